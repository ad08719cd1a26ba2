// "Explain this step": one sample's forward values and chain-rule factors (from /explain).

export function fmt(v) {
  if (v === null) return "—";
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}

export function renderExplanation(box, step) {
  box.replaceChildren();
  const p = (text) => { const e = document.createElement("p"); e.textContent = text; box.append(e); return e; };
  const inputs = step.inputs.map((v, i) => `${step.features[i]} = ${fmt(v)}`).join(", ");
  p(`Sample ${step.sample}: ${inputs}; target ${step.target.map(fmt).join(", ")}; ` +
    `output ${step.output.map(fmt).join(", ")}.`);
  p(`Error ${step.loss_formula}: E = ${fmt(step.loss)}.`);
  p("Forward: z = x W + b, a = f(z). Backward (chain rule, output layer first): dE/dz = dE/da × f'(z), " +
    "dE/dW = xᵀ dE/dz, and dE/da of the layer below = dE/dz Wᵀ. Update: W ← W − learning rate × dE/dW.");
  for (const layer of step.layers) {
    const last = layer.index === step.layers.length;
    const title = p(`Layer ${layer.index} (${layer.activation}${last ? ", output" : ""}): ` +
      `‖dE/dW‖ = ${fmt(layer.grad_weights_norm)}, so the step moves W by ${fmt(layer.step_norm)} ` +
      `(learning rate ${step.learning_rate}).`);
    title.style.fontWeight = "600";
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
    box.append(table);
  }
}
