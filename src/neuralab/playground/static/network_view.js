// The network view: the graph (graph.js) with its two legends, the weight under the mouse (its
// w, dE/dw and, while a step is explained, its chain rule) and a chosen node's picture large.
// Exports mountNetwork(root, options). Fed frames like every view (see views.js): start(full)
// lays the graph out for ``full.network`` and ``full.data``, update(frame) redraws weights,
// biases, dE/dW and unit pictures, clear() when nothing is built; showStep(step, stage) and
// clearStep() put an explained step (explain_view.js) on the graph. It lays itself out again
// when the window's width changes.
import { diverging, rgb } from "./colours.js";
import { mount } from "./dom.js";
import { chainRule } from "./explain.js";
import { inputLabel, layerName, precise } from "./format.js";
import { SVG, createGraph, decodeMap, paintMap, unitColour } from "./graph.js";

const HTML = `
  <div data-part="graph" class="graph" data-epoch="0"></div>
  <div data-part="weight-tip" class="tip" role="status" hidden></div>
  <div data-part="legends" class="legends">
    <div data-part="weight-legend" class="legend"></div>
    <div data-part="unit-legend" class="legend"></div>
  </div>
  <div data-part="node-detail" class="node-detail" hidden>
    <canvas data-part="node-large" width="200" height="200" aria-label="the chosen unit's output over the plane"></canvas>
    <div>
      <p data-part="node-caption"></p>
      <button data-part="node-close" type="button" class="small">Close</button>
    </div>
  </div>`;

export function mountNetwork(root, { ids = false } = {}) {
  const parts = mount(root, HTML, { ids });
  root.classList.add("network-root");  // the tip is placed relative to it
  const view = { parts, graph: null, step: null, stage: 0 };
  let net = null;  // { sizes, activations, features, task }
  let frame = null;
  let selected = null;  // { layer, unit } whose picture is large
  let hover = null;  // the weight line under the mouse

  function layout() {
    view.graph = createGraph(parts.graph, net, { onNode: select, onWeight: showWeight });
    parts.legends.hidden = false;
  }

  function select(layer, unit) {
    const same = selected && selected.layer === layer && selected.unit === unit;
    selected = same ? null : { layer, unit };
    showNode();
  }

  let drawnScales = "";
  function drawLegends() {
    const scale = view.graph.weightScale;
    const scales = `${scale} ${view.graph.unitScale}`;
    if (scales === drawnScales && parts["weight-legend"].childElementCount) return;  // unchanged
    drawnScales = scales;
    const weights = parts["weight-legend"];
    weights.replaceChildren("weights |w|:");
    for (const fraction of [0.25, 0.5, 1]) {
      const svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("width", "26");
      svg.setAttribute("height", "10");
      const line = document.createElementNS(SVG, "line");
      Object.entries({ x1: 1, y1: 5, x2: 25, y2: 5, stroke: "#0877bd", "stroke-width": 0.4 + 5.6 * fraction,
                       "stroke-opacity": 0.25 + 0.75 * fraction }).forEach(([k, v]) => line.setAttribute(k, v));
      svg.append(line);
      const label = document.createElement("span");
      label.textContent = String(Number((scale * fraction).toPrecision(3)));
      weights.append(svg, label);
    }
    const signs = document.createElement("span");
    signs.innerHTML = '<b style="color:#0877bd">blue</b> w &gt; 0, <b style="color:#e8710a">orange</b> w &lt; 0';
    weights.append(signs);
    weights.dataset.scale = String(scale);
    const bar = document.createElement("canvas");
    bar.width = 100;
    bar.height = 10;
    const ctx = bar.getContext("2d");
    for (let x = 0; x < 100; x += 1) {
      ctx.fillStyle = rgb(diverging(x / 99));
      ctx.fillRect(x, 0, 1, 10);
    }
    const s = String(Number(view.graph.unitScale.toPrecision(3)));
    parts["unit-legend"].replaceChildren(`hidden unit output a: −${s}`, bar, `+${s}`);
    parts["unit-legend"].dataset.scale = String(view.graph.unitScale);
  }

  function showNode() {
    for (const box of parts.graph.querySelectorAll(".node.selected")) box.classList.remove("selected");
    const detail = parts["node-detail"];
    if (!selected || !frame || !view.graph) { detail.hidden = true; return; }
    const { layer, unit } = selected;
    const entry = frame.units[layer][unit];
    view.graph.nodes[layer][unit].box.classList.add("selected");
    const small = document.createElement("canvas");
    paintMap(small, decodeMap(entry), unitColour(view.graph, layer, net.task, entry));
    const large = parts["node-large"];
    const ctx = large.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, large.width, large.height);
    const count = net.sizes.length;
    let text;
    if (layer === 0) {
      text = `Input ${net.features[unit]}: from ${precise(entry.lo)} to ${precise(entry.hi)} over the plane.`;
    } else {
      text = `${layerName(layer, count)} unit ${unit + 1} (${net.activations[layer - 1]}): ` +
        `a = f(z) from ${precise(entry.lo)} to ${precise(entry.hi)} over the plane; z from ` +
        `${precise(entry.z[0])} to ${precise(entry.z[1])}; bias b = ${precise(frame.biases[layer - 1][unit])}.`;
    }
    parts["node-caption"].textContent = text;
    detail.dataset.layer = String(layer);
    detail.dataset.unit = String(unit);
    detail.hidden = false;
  }

  // ``line``: the hovered weight's drawn line (its data-* attributes are the numbers), or null.
  function showWeight(line, event) {
    const tip = parts["weight-tip"];
    if (hover && hover !== line) hover.classList.remove("hover");
    hover = line || null;
    if (!line) { tip.hidden = true; return; }
    line.classList.add("hover");
    const layer = Number(line.dataset.layer);
    const from = Number(line.dataset.from);
    const to = Number(line.dataset.to);
    const count = net.sizes.length;
    const source = layer === 1 ? net.features[from] : `${layerName(layer - 1, count)} unit ${from + 1}`;
    tip.textContent = `${source} → ${layerName(layer, count)} unit ${to + 1}: w = ${precise(line.dataset.weight)}, ` +
      `dE/dw = ${precise(line.dataset.gradient)} (all training samples)`;
    if (view.step && line.dataset.sampleGradient !== undefined) {
      tip.textContent += `. Sample ${view.step.sample}: ${chainRule(view.step, layer, from, to)}`;
    }
    if (event) {
      const box = root.getBoundingClientRect();
      tip.style.left = `${Math.min(event.clientX - box.left + 12, box.width - 200)}px`;
      tip.style.top = `${event.clientY - box.top + 14}px`;
    }
    tip.hidden = false;
  }

  parts["node-close"].addEventListener("click", () => { selected = null; showNode(); });
  let width = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === width || !view.graph || !frame) return;
    width = window.innerWidth;
    layout();
    view.update(frame);
    if (view.step) view.showStep(view.step, view.stage);
  });

  Object.assign(view, {
    start(full) {
      net = { sizes: full.network.sizes, activations: full.network.activations,
              features: full.data.features.map(inputLabel), task: full.data.task };
      selected = null;
      view.step = null;
      showWeight(null);
      layout();
      view.update(full);
    },
    update(next) {
      frame = next;
      view.graph.update(frame);
      drawLegends();
      showNode();
      if (hover) showWeight(hover);
    },
    showStep(step, stage) {
      view.step = step;
      view.stage = stage;
      view.graph.showStep(step, stage);
    },
    clearStep() {
      view.step = null;
      if (view.graph) view.graph.clearStep();
    },
    clear() {
      parts.graph.replaceChildren();
      parts.graph.dataset.epoch = "";
      parts.legends.hidden = true;
      view.graph = null;
      view.step = null;
      frame = null;
      selected = null;
      parts["node-detail"].hidden = true;
      showWeight(null);
    },
  });
  return view;
}
