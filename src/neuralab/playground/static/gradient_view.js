// The gradient-flow view: ||dE/dW|| per layer on a log scale (the layer the diagnosis names in
// red) and, when healthy, the diagnosis's words. Exports mountGradients(root, options). Fed
// frames like every view (see views.js): update(frame) reads ``gradient_norms`` and
// ``diagnosis``; clear() when nothing is built.
import { clearCanvas, drawGradients } from "./charts.js";
import { mount } from "./dom.js";

const HTML = `
  <canvas data-part="gradients" width="360" height="150" aria-label="gradient norms per layer"></canvas>
  <p data-part="gradient-status" class="hint"></p>`;

export function mountGradients(root, { ids = false } = {}) {
  const parts = mount(root, HTML, { ids });
  return {
    parts,
    start(full) {
      this.update(full);
    },
    update(frame) {
      drawGradients(parts.gradients, frame);
      const diagnosis = frame.diagnosis;
      parts["gradient-status"].textContent = diagnosis && diagnosis.status === "healthy" ? diagnosis.advice : "";
    },
    clear() {
      clearCanvas(parts.gradients);
      parts["gradient-status"].textContent = "";
    },
  };
}
