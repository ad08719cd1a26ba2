// The page's fields checked as they are typed: exports fieldChecks(limits) (each field's name,
// test and the values it takes) and validate(limits) (marks each invalid field, fills the
// #field-error box and returns the problems; Play and Step wait while there are any).
import { $ } from "./controls.js";

const number = (text) => (text.trim() === "" ? NaN : Number(text));
const whole = (text) => Number.isInteger(number(text));

// Field id -> [its name, a test of its text, what it takes], against the server's ``limits``.
export function fieldChecks(limits) {
  const range = (low, high) => (t) => number(t) >= low && number(t) <= high;
  const wholeRange = (low, high) => (t) => whole(t) && range(low, high)(t);
  return {
    "learning-rate": ["Learning rate", (t) => number(t) > 0 && number(t) <= limits.max_learning_rate,
                      `a number > 0 and <= ${limits.max_learning_rate}`],
    "batch-size": ["Batch size", (t) => t.trim() === "" || wholeRange(1, limits.max_samples)(t),
                   `a whole number from 1 to ${limits.max_samples}, or empty for all samples`],
    "n-samples": ["Samples", wholeRange(limits.min_samples, limits.max_samples),
                  `a whole number from ${limits.min_samples} to ${limits.max_samples}`],
    seed: ["Seed", wholeRange(0, limits.max_seed), `a whole number from 0 to ${limits.max_seed}`],
    l2: ["L2 regularisation", range(0, limits.max_regularization), `a number from 0 to ${limits.max_regularization}`],
    l1: ["L1 regularisation", range(0, limits.max_regularization), `a number from 0 to ${limits.max_regularization}`],
    "n-epochs": ["Epochs", wholeRange(1, limits.max_epochs_per_request),
                 `a whole number from 1 to ${limits.max_epochs_per_request}`],
  };
}

// Check every field; returns the problems in words ([] when all are valid).
export function validate(limits) {
  const problems = [];
  for (const [id, [name, ok, expected]] of Object.entries(fieldChecks(limits))) {
    const field = $(id);
    const bad = !(id === "n-samples" && $("dataset").value === "upload") && !ok(field.value);
    field.setAttribute("aria-invalid", String(bad));
    if (bad) problems.push(`${name} must be ${expected} (it is "${field.value}").`);
  }
  const box = $("field-error");
  box.textContent = problems.length ? `${problems.join(" ")} Play and Step wait until it is fixed.` : "";
  box.hidden = !problems.length;
  return problems;
}
