// "Explain this step" as text: one sample's forward values and chain-rule factors (a step from
// /explain). Pure functions of the step: chainRule (one weight's product with numbers) and
// renderExplanation (the folded per-layer tables).
import { fmt } from "./format.js";

// One weight's chain rule for the explained sample, with numbers (as the tour's two-neuron table):
// dE/dw = dE/da · f'(z) · x = dE/dz · x.
export function chainRule(step, layer, from, to) {
  const info = step.layers[layer - 1];
  const x = info.x[from];
  const g = info.grad_weights[from][to];
  const derivative = info.derivative === null ? null : info.derivative[to];
  const factors = derivative === null
    ? `dE/dz ${fmt(info.grad_z[to])} (softmax and cross-entropy: output − target) × x ${fmt(x)}`
    : `dE/da ${fmt(info.grad_a[to])} × f'(z) ${fmt(derivative)} × x ${fmt(x)}`;
  return `dE/dw = ${factors} = ${fmt(g)}; the step moves w by −${step.learning_rate} × ${fmt(g)}`;
}

// The tables of one step, one per layer, output layer first (the order backprop visits them);
// each folds, and only the output layer's is open (a deep network is not a wall of tables).
export function renderExplanation(box, step) {
  box.replaceChildren();
  const p = (text) => { const e = document.createElement("p"); e.textContent = text; box.append(e); return e; };
  const inputs = step.inputs.map((v, i) => `${step.features[i]} = ${fmt(v)}`).join(", ");
  p(`Sample ${step.sample}: ${inputs}; target ${step.target.map(fmt).join(", ")}; ` +
    `output ${step.output.map(fmt).join(", ")}.`);
  p(`Error ${step.loss_formula}: E = ${fmt(step.loss)}.`);
  p("Forward: z = x W + b, a = f(z). Backward (chain rule, output layer first): dE/dz = dE/da × f'(z), " +
    "dE/dW = xᵀ dE/dz, and dE/da of the layer below = dE/dz Wᵀ. Update: W ← W − learning rate × dE/dW.");
  for (const layer of [...step.layers].reverse()) {
    const last = layer.index === step.layers.length;
    const fold = document.createElement("details");
    fold.open = last;
    fold.dataset.layer = String(layer.index);
    const title = document.createElement("summary");
    title.textContent = `Layer ${layer.index} (${layer.activation}${last ? ", output" : ""}): ` +
      `‖dE/dW‖ = ${fmt(layer.grad_weights_norm)}, so the step moves W by ${fmt(layer.step_norm)} ` +
      `(learning rate ${step.learning_rate}).`;
    fold.append(title);
    box.append(fold);
    const table = document.createElement("table");
    const head = ["neuron", "z", "a = f(z)", "f'(z)", "dE/da", "dE/dz"];
    const row = (cells, tag) => {
      const tr = document.createElement("tr");
      for (const cell of cells) {
        const td = document.createElement(tag);
        td.textContent = cell;
        tr.append(td);
      }
      return tr;
    };
    table.append(row(head, "th"));
    layer.z.forEach((_, j) => {
      const derivative = layer.derivative === null ? "(softmax)" : fmt(layer.derivative[j]);
      table.append(row([String(j + 1), fmt(layer.z[j]), fmt(layer.a[j]), derivative, fmt(layer.grad_a[j]),
        fmt(layer.grad_z[j])], "td"));
    });
    fold.append(table);
  }
}
