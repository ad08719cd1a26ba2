// "Explain this step" as text: the mini-batch step that holds a chosen sample (a step from
// /explain): the sample's forward values and own chain-rule factors beside the batch's mean
// gradient. Pure functions of the step: chainRule (one weight's product with numbers),
// stepWords (the update in words) and renderExplanation (the folded per-layer tables).
import { fmt } from "./format.js";

// How the optimizer turns the batch's dE/dw ``g`` into a step, in words.
export function stepWords(step, g) {
  return step.optimizer === "sgd"
    ? `the step moves w by −${step.learning_rate} × ${fmt(g)}`
    : `the ${step.optimizer} optimizer's step starts from it (learning rate ${step.learning_rate})`;
}

// One weight's chain rule with numbers (as the tour's two-neuron table): the chosen sample's own
// term dE_k/dw = dE/da · f'(z) · x = dE/dz · x, beside the batch mean the step is taken on.
export function chainRule(step, layer, from, to) {
  const info = step.layers[layer - 1];
  const x = info.x[from];
  const own = info.grad_weights[from][to];
  const mean = info.batch_grad_weights[from][to];
  const derivative = info.derivative === null ? null : info.derivative[to];
  const factors = derivative === null
    ? `dE/dz ${fmt(info.grad_z[to])} (softmax and cross-entropy: output − target) × x ${fmt(x)}`
    : `dE/da ${fmt(info.grad_a[to])} × f'(z) ${fmt(derivative)} × x ${fmt(x)}`;
  return `dE/dw = ${factors} = ${fmt(own)}. Mean over its batch of ${step.batch.size}: ` +
    `dE/dw = ${fmt(mean)}; ${stepWords(step, mean)}`;
}

// The tables of one step, one per layer, output layer first (the order backprop visits them);
// each folds, and only the output layer's is open (a deep network is not a wall of tables).
export function renderExplanation(box, step) {
  box.replaceChildren();
  const p = (text) => { const e = document.createElement("p"); e.textContent = text; box.append(e); return e; };
  const inputs = step.inputs.map((v, i) => `${step.features[i]} = ${fmt(v)}`).join(", ");
  p(`Sample ${step.sample}: ${inputs}; target ${step.target.map(fmt).join(", ")}; ` +
    `output ${step.output.map(fmt).join(", ")}.`);
  p(`Error ${step.loss_formula}: E = ${fmt(step.loss)} for this sample.`);
  const batch = step.batch;
  const others = batch.samples.filter((k) => k !== step.sample);
  const shown = others.length > 12 ? `${others.slice(0, 12).join(", ")}, …` : others.join(", ");
  p(batch.count === 1
    ? `Training takes one step on all ${batch.size} training samples (batch size all); its loss is E = ` +
      `${fmt(batch.loss)}, its dE/dW the mean of every sample's own.`
    : `Training takes this sample in mini-batch ${batch.index + 1} of ${batch.count} in epoch ${batch.epoch}, ` +
      `with ${others.length} others (${shown}). The step is taken on the batch: E = ${fmt(batch.loss)} ` +
      `(its mean) and dE/dW = the mean of its ${batch.size} samples' own dE/dW.`);
  const penalty = step.penalty.l1 || step.penalty.l2
    ? ` The L1/L2 penalty adds ${step.penalty.l1} sign(W) + ${step.penalty.l2} W to it.` : "";
  const update = step.optimizer === "sgd" ? "W ← W − learning rate × dE/dW (batch mean)"
    : `the ${step.optimizer} optimizer's step from dE/dW (batch mean)`;
  p("Forward: z = x W + b, a = f(z). Backward (chain rule, output layer first), for this sample: " +
    "dE/dz = dE/da × f'(z), dE/dW = xᵀ dE/dz, and dE/da of the layer below = dE/dz Wᵀ. " +
    `Update: ${update}.${penalty}`);
  for (const layer of [...step.layers].reverse()) {
    const last = layer.index === step.layers.length;
    const fold = document.createElement("details");
    fold.open = last;
    fold.dataset.layer = String(layer.index);
    const title = document.createElement("summary");
    title.textContent = `Layer ${layer.index} (${layer.activation}${last ? ", output" : ""}): ` +
      `batch mean ‖dE/dW‖ = ${fmt(layer.grad_weights_norm)}` +
      (step.optimizer === "sgd" ? `, so the step moves W by ${fmt(layer.step_norm)} (learning rate ${step.learning_rate}).` : ".");
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
