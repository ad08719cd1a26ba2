// The plane view: the network's output over the plane (the decision boundary) with the data,
// its colour key and the show-test / discretize toggles. Exports mountPlane(root, options).
// Fed frames like every view (see views.js): start(full) with a frame that carries ``data``,
// update(frame) for each frame, clear() when nothing is built; highlight(index, rows) rings a
// training point (and thinly the other rows of its mini-batch). A click on the plane calls
// options.onPick(index of the nearest training point).
import { clearCanvas, drawBoundary, outputLegend } from "./charts.js";
import { mount } from "./dom.js";

const HTML = `
  <div class="toggles">
    <label><input data-part="show-test" type="checkbox" checked> Show test data</label>
    <label><input data-part="discretize" type="checkbox"> Discretize output</label>
  </div>
  <figure>
    <canvas data-part="boundary" class="boundary" width="360" height="360" aria-label="decision boundary"></canvas>
    <div data-part="output-legend" class="legend output-legend"></div>
    <figcaption data-part="boundary-caption">Output over the plane.</figcaption>
  </figure>`;

export function mountPlane(root, { ids = false, onPick = null } = {}) {
  const parts = mount(root, HTML, { ids });
  let data = null;
  let frame = null;
  let chosen = null;
  let batch = null;

  function draw() {
    if (!frame || !data) return;
    drawBoundary(parts.boundary, frame.boundary, data,
                 { showTest: parts["show-test"].checked, discretize: parts.discretize.checked,
                   highlight: chosen, batch });
  }

  // The training point nearest to a click, in the plane's coordinates.
  function nearest(event) {
    const box = parts.boundary.getBoundingClientRect();
    const [x0, x1, y0, y1] = frame.boundary.extent;
    const x = x0 + ((event.clientX - box.left) / box.width) * (x1 - x0);
    const y = y1 - ((event.clientY - box.top) / box.height) * (y1 - y0);
    let best = 0;
    let distance = Infinity;
    data.train.forEach(([px, py], i) => {
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < distance) { distance = d; best = i; }
    });
    return best;
  }

  parts.boundary.addEventListener("click", (event) => {
    if (data && frame && onPick) onPick(nearest(event));
  });
  for (const name of ["show-test", "discretize"]) parts[name].addEventListener("change", draw);

  return {
    parts,
    start(full) {
      data = full.data;
      chosen = null;
      batch = null;
      outputLegend(parts["output-legend"], data);
      const [fx, fy] = data.plane;
      parts["boundary-caption"].textContent = `Output over (${fx}, ${fy}); points with a white edge: ` +
        "training data, dark edge: test data." + (data.notes.length ? " " + data.notes.join(" ") : "");
      this.update(full);
    },
    update(next) {
      frame = next;
      draw();
    },
    highlight(index, rows = null) {
      chosen = index;
      batch = rows;
      draw();
    },
    clear() {
      data = null;
      frame = null;
      chosen = null;
      batch = null;
      clearCanvas(parts.boundary);
    },
  };
}
