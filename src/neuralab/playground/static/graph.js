// The network graph: inputs, every hidden unit and the output as nodes, every weight a line.
// A line's colour is the weight's sign (blue +, orange −) and its width |w| on one scale shared
// by all layers; each node shows its unit's output over the plane on one shared colour scale
// and its bias as a small square. Pure DOM + SVG + canvas, no page state: a second front end
// can build one on its own element.
//
//   const graph = createGraph(element, { sizes, activations, features, task }, { onNode, onWeight });
//   graph.update(frame);   // every frame: weights, biases, dE/dW, unit maps, data-epoch
import { diverging, rgb } from "./colours.js";
import { layerName, short } from "./format.js";

export const SVG = "http://www.w3.org/2000/svg";
const PAD = 12;
const TOP = 30;

// The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 x 10^k at or above ``value`` (a legend that does not flicker).
export function niceCeil(value) {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 3, 4, 5, 6, 8, 10]) if (step * power >= value * (1 - 1e-12)) return step * power;
  return 10 * power;
}

// A unit's map from a frame: bytes 0..255 (base64) from lo to hi -> Float64Array of values.
export function decodeMap(entry) {
  const bytes = atob(entry.q);
  const values = new Float64Array(bytes.length);
  const span = entry.hi === null || entry.lo === null ? 0 : entry.hi - entry.lo;
  for (let i = 0; i < bytes.length; i += 1) values[i] = (entry.lo || 0) + (bytes.charCodeAt(i) / 255) * span;
  return values;
}

// Paint ``values`` (size x size, row-major, top row first) on ``canvas`` through ``colour``.
export function paintMap(canvas, values, colour) {
  const size = Math.round(Math.sqrt(values.length));
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  for (let i = 0; i < values.length; i += 1) {
    const [r, g, b] = colour(values[i]);
    image.data[i * 4] = r; image.data[i * 4 + 1] = g; image.data[i * 4 + 2] = b; image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

export function createGraph(element, net, handlers = {}) {
  const { sizes, activations, features } = net;
  const count = sizes.length;
  const most = Math.max(...sizes);
  const node = most <= 8 ? 36 : most <= 12 ? 30 : 24;
  const gap = most <= 8 ? 12 : 8;
  const height = TOP + most * (node + gap) + PAD;
  element.replaceChildren();
  element.style.height = `${height}px`;
  const width = Math.max(element.clientWidth, 260);
  const xOf = (layer) => PAD + (layer * (width - 2 * PAD - node)) / Math.max(count - 1, 1);
  const yOf = (layer, unit) => TOP + ((most - sizes[layer]) * (node + gap)) / 2 + unit * (node + gap);

  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("class", "graph-lines");
  const drawn = document.createElementNS(SVG, "g");
  const hits = document.createElementNS(SVG, "g");
  hits.setAttribute("class", "hits");
  svg.append(drawn, hits);
  element.append(svg);

  const lines = [];  // lines[layer - 1][from][to]
  for (let layer = 1; layer < count; layer += 1) {
    const rows = [];
    for (let from = 0; from < sizes[layer - 1]; from += 1) {
      const row = [];
      for (let to = 0; to < sizes[layer]; to += 1) {
        const coordinates = { x1: xOf(layer - 1) + node, y1: yOf(layer - 1, from) + node / 2,
                              x2: xOf(layer), y2: yOf(layer, to) + node / 2 };
        const line = document.createElementNS(SVG, "line");
        const hit = document.createElementNS(SVG, "line");
        for (const [key, value] of Object.entries(coordinates)) {
          line.setAttribute(key, value.toFixed(1));
          hit.setAttribute(key, value.toFixed(1));
        }
        line.setAttribute("class", "weight");
        line.dataset.layer = String(layer);
        line.dataset.from = String(from);
        line.dataset.to = String(to);
        hit.dataset.layer = String(layer);
        hit.dataset.from = String(from);
        hit.dataset.to = String(to);
        hit.addEventListener("mouseenter", (event) => handlers.onWeight && handlers.onWeight(line, event));
        hit.addEventListener("mouseleave", () => handlers.onWeight && handlers.onWeight(null));
        drawn.append(line);
        hits.append(hit);
        row.push(line);
      }
      rows.push(row);
    }
    lines.push(rows);
  }

  const nodes = [];  // nodes[layer][unit] = { box, canvas, bias }
  for (let layer = 0; layer < count; layer += 1) {
    const label = document.createElement("div");
    label.className = "graph-label";
    label.style.left = `${xOf(layer) + node / 2}px`;
    const kind = layer === 0 ? "inputs" : `${layerName(layer, count)} ${activations[layer - 1]}`;
    label.textContent = kind;
    element.append(label);
    const column = [];
    for (let unit = 0; unit < sizes[layer]; unit += 1) {
      const box = document.createElement("button");
      box.type = "button";
      box.className = "node";
      box.dataset.layer = String(layer);
      box.dataset.unit = String(unit);
      box.style.left = `${xOf(layer)}px`;
      box.style.top = `${yOf(layer, unit)}px`;
      box.style.width = box.style.height = `${node}px`;
      const name = layer === 0 ? features[unit] : `${layerName(layer, count)} unit ${unit + 1}`;
      box.setAttribute("aria-label", `${name}: show its output over the plane`);
      const canvas = document.createElement("canvas");
      box.append(canvas);
      let bias = null;
      if (layer > 0) {
        bias = document.createElement("span");
        bias.className = "bias";
        box.append(bias);
      } else {
        const caption = document.createElement("span");
        caption.className = "input-name";
        caption.textContent = features[unit];
        box.append(caption);
      }
      box.addEventListener("click", () => handlers.onNode && handlers.onNode(layer, unit));
      element.append(box);
      column.push({ box, canvas, bias, name });
    }
    nodes.push(column);
  }

  const graph = {
    element, lines, nodes, sizes, weightScale: 1, unitScale: 1,
    // One sample's step on the graph (``step`` from /explain), up to ``stage``: stages 0..L-1 run
    // forward (layer stage+1 gets the sample's z and a), stages L..2L-1 backward from the output
    // layer (layer 2L-stage gets the sample's dE/dz on its nodes; its lines get the batch mean
    // dE/dw as data-batch-gradient and the sample's own term as data-sample-gradient).
    showStep(step, stage) {
      graph.clearStep();
      const layers = step.layers.length;
      const badge = (layer, unit, text, kind) => {
        const element = document.createElement("span");
        element.className = `badge ${kind}`;
        element.textContent = text;
        nodes[layer][unit].box.append(element);
      };
      step.inputs.forEach((x, unit) => badge(0, unit, `x ${short(x)}`, "forward"));
      const forwardTo = Math.min(stage + 1, layers);
      const lowest = stage >= layers ? 2 * layers - stage : layers + 1;  // the backward pass reached it
      for (let layer = 1; layer <= Math.min(forwardTo, lowest - 1); layer += 1) {
        const info = step.layers[layer - 1];
        info.z.forEach((z, unit) => badge(layer, unit, `z ${short(z)} a ${short(info.a[unit])}`, "forward"));
      }
      if (stage >= layers) {
        for (let layer = layers; layer >= lowest; layer -= 1) {
          const info = step.layers[layer - 1];
          info.grad_z.forEach((g, unit) => badge(layer, unit, `dE/dz ${short(g)}`, "backward"));
          info.batch_grad_weights.forEach((row, from) => row.forEach((g, to) => {
            const line = lines[layer - 1][from][to];
            line.dataset.batchGradient = g === null ? "NaN" : String(g);
            const own = info.grad_weights[from][to];
            line.dataset.sampleGradient = own === null ? "NaN" : String(own);
            line.classList.add("explained");
          }));
        }
      }
      element.dataset.stage = String(stage);
    },
    clearStep() {
      for (const badge of element.querySelectorAll(".badge")) badge.remove();
      for (const line of element.querySelectorAll("line.explained")) {
        line.classList.remove("explained");
        delete line.dataset.sampleGradient;
        delete line.dataset.batchGradient;
      }
      delete element.dataset.stage;
    },
    update(frame) {
      element.dataset.epoch = String(frame.epoch);
      let largest = 0;
      for (const matrix of frame.weights) for (const row of matrix) for (const w of row) {
        if (w !== null && Math.abs(w) > largest) largest = Math.abs(w);
      }
      const scale = niceCeil(largest);
      graph.weightScale = scale;
      frame.weights.forEach((matrix, index) => {
        const gradients = frame.weight_gradients[index];
        matrix.forEach((row, from) => row.forEach((w, to) => {
          const line = lines[index][from][to];
          const size = w === null ? 1 : Math.min(1, Math.abs(w) / scale);
          line.dataset.weight = w === null ? "NaN" : String(w);
          const g = gradients[from][to];
          line.dataset.gradient = g === null ? "NaN" : String(g);
          line.setAttribute("stroke", w === null ? "#b42318" : w >= 0 ? "#0877bd" : "#e8710a");
          line.setAttribute("stroke-width", (0.4 + 5.6 * size).toFixed(2));
          line.setAttribute("stroke-opacity", (0.25 + 0.75 * size).toFixed(2));
        }));
      });
      frame.biases.forEach((biases, index) => biases.forEach((b, unit) => {
        const square = nodes[index + 1][unit].bias;
        square.dataset.bias = b === null ? "NaN" : String(b);
        const size = b === null ? 1 : Math.min(1, Math.abs(b) / scale);
        square.style.background = b === null ? "#b42318" : rgb(diverging(0.5 + (b >= 0 ? 0.5 : -0.5) * size));
        square.title = `bias b = ${b === null ? "not finite" : b.toPrecision(4)}`;
      }));
      // One colour scale for every hidden unit, symmetric around 0: ± the median of the units'
      // largest |a|, rounded up (a few large relu units saturate instead of washing out the rest).
      const unitMax = [];
      for (let layer = 1; layer < count - 1; layer += 1) {
        for (const entry of frame.units[layer]) unitMax.push(Math.max(Math.abs(entry.lo || 0), Math.abs(entry.hi || 0)));
      }
      unitMax.sort((a, b) => a - b);
      graph.unitScale = niceCeil(unitMax.length ? unitMax[Math.floor(0.5 * (unitMax.length - 1))] : 1);
      frame.units.forEach((layerUnits, layer) => layerUnits.forEach((entry, unit) => {
        paintMap(nodes[layer][unit].canvas, decodeMap(entry), unitColour(graph, layer, net.task, entry));
      }));
    },
  };
  return graph;
}

// The colour of a unit's value: hidden units on the shared symmetric scale; the output as the
// plane shows it (0..1 for a probability); inputs and a regression output on ± their own
// largest |value|.
export function unitColour(graph, layer, task, entry) {
  const count = graph.sizes.length;
  if (layer === count - 1 && (task === "binary" || task === "multiclass")) return (v) => diverging(v);
  const own = Math.max(Math.abs(entry.lo || 0), Math.abs(entry.hi || 0)) || 1;
  const scale = layer === 0 || layer === count - 1 ? own : graph.unitScale;
  return (v) => diverging(0.5 + v / (2 * scale));
}
