// The pictures of one frame, as pure functions of what they draw (no page state): the output
// over the plane with the data, the loss curves and the per-layer gradient norms. A second front end can call them on its own canvases.
import { BLUE, CLASS_COLOURS, ORANGE, WHITE, diverging, heatmap, mix, rgb } from "./colours.js";

// The range of the regression target (the colour scale of the plane and its points).
export function targetRange(data) {
  const values = data.train.map((p) => p[2]);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return [low, high > low ? high : low + 1];
}

function valueColour(value, confidence, data) {
  if (value === null) return [200, 200, 200];
  if (data.task === "binary") return diverging(value);
  if (data.task === "multiclass") {
    return mix(WHITE, CLASS_COLOURS[value % CLASS_COLOURS.length], 0.25 + 0.75 * confidence);
  }
  const [low, high] = targetRange(data);
  return diverging((value - low) / (high - low));
}

// The output over the plane (``boundary`` from a frame) with the training points (white edge)
// and, unless ``showTest`` is false, the test points (dark edge). ``discretize``: every cell in
// its predicted class's full colour (classification only). ``highlight``: a training point's
// index, ringed; ``batch``: the indices of its mini-batch, thinly ringed.
export function drawBoundary(canvas, boundary, data,
                             { showTest = true, discretize = false, highlight = null, batch = null } = {}) {
  const ctx = canvas.getContext("2d");
  const { size, extent, values, confidence } = boundary;
  const task = data.task;
  const classify = task !== "regression";
  const sharp = discretize && classify;
  const fade = task === "multiclass"
    ? (v, i) => valueColour(v, sharp ? 1 : confidence[i], data)
    : (v) => mix(valueColour(sharp && v !== null ? (v > 0.5 ? 1 : 0) : v, null, data), WHITE, 0.35);
  ctx.imageSmoothingEnabled = !sharp;
  ctx.drawImage(heatmap(values, size, fade), 0, 0, canvas.width, canvas.height);
  const [x0, x1, y0, y1] = extent;
  const px = (x) => ((x - x0) / (x1 - x0)) * canvas.width;
  const py = (y) => ((y1 - y) / (y1 - y0)) * canvas.height;
  const [low, high] = task === "regression" ? targetRange(data) : [0, 1];
  const pointColour = (target) => {
    if (task === "regression") return diverging((target - low) / (high - low));
    return task === "binary" ? (target > 0.5 ? BLUE : ORANGE) : CLASS_COLOURS[target % CLASS_COLOURS.length];
  };
  const sets = showTest ? [[data.train, "#fff"], [data.test, "#1f2933"]] : [[data.train, "#fff"]];
  for (const [points, edge] of sets) {
    for (const [x, y, target] of points) {
      ctx.beginPath();
      ctx.arc(px(x), py(y), 3.4, 0, 2 * Math.PI);
      ctx.fillStyle = rgb(pointColour(target));
      ctx.fill();
      // A dark edge on every regression point: a mid-range target is white, like the plane there.
      ctx.strokeStyle = task === "regression" && edge === "#fff" ? "#52606d" : edge;
      ctx.lineWidth = edge === "#fff" ? 1 : 1.4;
      ctx.stroke();
    }
  }
  const ring = (index, radius, width) => {
    const [x, y] = data.train[index];
    ctx.beginPath();
    ctx.arc(px(x), py(y), radius, 0, 2 * Math.PI);
    ctx.strokeStyle = "#1f2933";
    ctx.lineWidth = width;
    ctx.stroke();
  };
  for (const k of batch || []) {  // the other samples of its mini-batch, thin rings
    if (k !== highlight && data.train[k]) ring(k, 6, 1);
  }
  if (highlight !== null && data.train[highlight]) ring(highlight, 8, 2.5);  // the point a step explains
  planeTicks(ctx, canvas, extent, data.plane);
}

// Tick marks and labels on the plane's left and bottom edges, and the features' names.
function planeTicks(ctx, canvas, [x0, x1, y0, y1], [fx, fy]) {
  ctx.fillStyle = "rgba(31,41,51,0.8)";
  ctx.strokeStyle = "rgba(31,41,51,0.8)";
  ctx.lineWidth = 1;
  ctx.font = "11px system-ui, sans-serif";
  const step = niceStep((x1 - x0) / 4);
  for (let v = Math.ceil(x0 / step) * step; v <= x1 + 1e-9; v += step) {
    const x = ((v - x0) / (x1 - x0)) * canvas.width;
    ctx.beginPath(); ctx.moveTo(x, canvas.height); ctx.lineTo(x, canvas.height - 5); ctx.stroke();
    const label = formatTick(v);
    if (x > 14 && x < canvas.width - 40) ctx.fillText(label, x - ctx.measureText(label).width / 2, canvas.height - 7);
  }
  for (let v = Math.ceil(y0 / step) * step; v <= y1 + 1e-9; v += step) {
    const y = ((y1 - v) / (y1 - y0)) * canvas.height;
    if (y > 24 && y < canvas.height - 18) ctx.fillText(formatTick(v), 4, y + 4);
  }
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillText(`${fx} →`, canvas.width - ctx.measureText(`${fx} →`).width - 6, canvas.height - 20);
  ctx.fillText(`↑ ${fy}`, 6, 14);
}

// 1, 2 or 5 x 10^k near ``rough``.
function niceStep(rough) {
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled < 1.5 ? 1 : scaled < 3.5 ? 2 : scaled < 7.5 ? 5 : 10) * power;
}

function formatTick(v) {
  return String(Number(v.toPrecision(3))).replace("-", "−");
}

// The colour key of the plane: the classes, or the regression target from low (orange) through
// the midpoint (white) to high (blue).
export function outputLegend(element, data) {
  element.replaceChildren();
  const swatch = (colour, text) => {
    const box = document.createElement("span");
    box.className = "swatch";
    box.style.background = rgb(colour);
    element.append(box, ` ${text} `);
  };
  if (data.task === "regression") {
    const [low, high] = targetRange(data);
    element.append("prediction: ");
    swatch(diverging(0), formatTick(low));
    swatch(diverging(0.5), formatTick((low + high) / 2));
    swatch(diverging(1), formatTick(high));
  } else if (data.task === "binary") {
    element.append("probability of class 1: ");
    swatch(diverging(0), "0");
    swatch(diverging(0.5), "0.5");
    swatch(diverging(1), "1");
  } else {
    element.append("class: ");
    data.classes.forEach((name, i) => swatch(CLASS_COLOURS[i % CLASS_COLOURS.length], name));
  }
}

export function clearCanvas(canvas) {
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
}

function axes(ctx, canvas, left, bottom) {
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = "#9aa5b1";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, 6);
  ctx.lineTo(left, canvas.height - bottom);
  ctx.lineTo(canvas.width - 6, canvas.height - bottom);
  ctx.stroke();
  ctx.fillStyle = "#616e7c";
  ctx.font = "11px system-ui, sans-serif";
}

export const TRAIN_COLOUR = "#0877bd";
export const TEST_COLOUR = "#e8710a";

// The loss axis's ticks: [value, label] from ``low`` to ``high``, first and last at or beyond
// them. Linear: 0 and every nice step to the top. Log: 1, 2 and 5 times each power of ten when
// the losses span at most two decades, else every decade (every k-th when there are many);
// labels as plain numbers between 0.001 and 10000.
export function lossTicks(low, high, log) {
  const ticks = [];
  if (!log) {
    const step = niceStep(high / 4);
    for (let v = 0; v <= high * (1 + 1e-9); v += step) ticks.push([v, formatTick(v)]);
    return ticks;
  }
  const lowExp = Math.floor(Math.log10(low));
  const span = Math.max(Math.ceil(Math.log10(high)) - lowExp, 1);
  const label = (v) => (v >= 1e-3 && v < 1e4 ? formatTick(v) : `1e${Math.round(Math.log10(v))}`);
  const values = [];
  if (span <= 2) {
    for (let e = lowExp; e <= lowExp + span; e += 1) for (const m of [1, 2, 5]) values.push(Number((m * 10 ** e).toPrecision(3)));
  } else {
    for (let e = lowExp; e <= lowExp + span; e += Math.ceil(span / 4)) values.push(10 ** e);
  }
  const first = values.filter((v) => v <= low * (1 + 1e-9)).pop() ?? values[0];
  const last = values.find((v) => v >= high * (1 - 1e-9)) ?? values[values.length - 1];
  for (const v of values) if (v >= first && v <= last) ticks.push([v, label(v)]);
  return ticks;
}

// Training and test loss per epoch (index 0: before training; null: not finite), on a linear
// or (``log``) logarithmic axis, with tick marks and values on both axes, so one spike does
// not flatten the history. The ticks drawn are also in the canvas's data-y-ticks and
// data-x-ticks (their labels, for the browser tests).
export function drawLosses(canvas, train, test, { log = false } = {}) {
  const ctx = canvas.getContext("2d");
  const left = 46;
  const bottom = 22;
  const base = canvas.height - bottom;
  axes(ctx, canvas, left, bottom);
  const finite = [...train, ...test].filter((v) => v !== null && Number.isFinite(v) && (!log || v > 0));
  const n = Math.max(train.length - 1, 1);
  const x = (i) => left + (i / n) * (canvas.width - left - 12);
  const height = base - 10;
  let y;
  let ticks;
  if (log) {
    const low = finite.length ? Math.min(...finite) : 1e-3;
    const high = finite.length ? Math.max(...finite) : 1;
    ticks = lossTicks(low, high, true);
    const bottomExp = Math.log10(ticks[0][0]);
    const span = Math.max(Math.log10(ticks[ticks.length - 1][0]) - bottomExp, 1e-9);
    y = (v) => base - ((Math.log10(Math.max(v, ticks[0][0])) - bottomExp) / span) * height;
  } else {
    const top = finite.length ? Math.max(...finite) * 1.05 || 1 : 1;
    y = (v) => base - (Math.min(v, top) / top) * height;
    ticks = lossTicks(0, top, false);
  }
  ctx.textAlign = "right";
  for (const [value, label] of ticks) {
    const at = Math.round(y(value)) + 0.5;
    ctx.strokeStyle = "#eef2f6";  // a grid line, then the tick mark on the axis
    ctx.beginPath();
    ctx.moveTo(left + 1, at);
    ctx.lineTo(canvas.width - 6, at);
    ctx.stroke();
    ctx.strokeStyle = "#9aa5b1";
    ctx.beginPath();
    ctx.moveTo(left - 5, at);
    ctx.lineTo(left, at);
    ctx.stroke();
    ctx.fillStyle = "#616e7c";
    ctx.fillText(label, left - 7, at + 4);
  }
  const epochs = [];
  for (let i = 0; i <= n; i += Math.max(1, niceStep(n / 4))) epochs.push(i);
  ctx.textAlign = "center";
  for (const i of epochs) {
    const at = Math.round(x(i)) + 0.5;
    ctx.strokeStyle = "#9aa5b1";
    ctx.beginPath();
    ctx.moveTo(at, base);
    ctx.lineTo(at, base + 5);
    ctx.stroke();
    ctx.fillStyle = "#616e7c";
    ctx.fillText(String(i), at, canvas.height - 4);
  }
  ctx.textAlign = "right";
  ctx.fillText("epoch", left - 7, canvas.height - 4);
  ctx.textAlign = "left";
  ctx.fillText(log ? "loss (log)" : "loss", left + 6, 14);
  canvas.dataset.scale = log ? "log" : "linear";
  canvas.dataset.yTicks = ticks.map(([, label]) => label).join(" ");
  canvas.dataset.xTicks = epochs.join(" ");
  for (const [series, colour] of [[train, TRAIN_COLOUR], [test, TEST_COLOUR]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    let drawing = false;
    series.forEach((v, i) => {
      if (v === null || (log && !(v > 0))) { drawing = false; return; }
      if (drawing) ctx.lineTo(x(i), y(v)); else ctx.moveTo(x(i), y(v));
      drawing = true;
    });
    ctx.stroke();
  }
  ctx.lineWidth = 1;
}

// ||dE/dW|| per layer on a log scale; the layer the diagnosis names is red.
export function drawGradients(canvas, frame) {
  const ctx = canvas.getContext("2d");
  const left = 40;
  const bottom = 20;
  axes(ctx, canvas, left, bottom);
  const norms = frame.gradient_norms || [];
  const [lowExp, highExp] = [-10, 2];
  const y = (e) => canvas.height - bottom - ((e - lowExp) / (highExp - lowExp)) * (canvas.height - bottom - 10);
  for (let e = lowExp; e <= highExp; e += 2) {
    ctx.fillStyle = "#616e7c";
    ctx.fillText(`1e${e}`, 4, y(e) + 4);
    ctx.strokeStyle = "#eef2f6";
    ctx.beginPath();
    ctx.moveTo(left + 1, y(e));
    ctx.lineTo(canvas.width - 6, y(e));
    ctx.stroke();
  }
  if (!norms.length) return;
  const status = frame.diagnosis ? frame.diagnosis.status : "healthy";
  const width = (canvas.width - left - 16) / norms.length;
  norms.forEach((norm, i) => {
    const exponent = norm === null ? highExp : norm > 0 ? Math.log10(norm) : lowExp;
    const clipped = Math.max(lowExp, Math.min(highExp, exponent));
    const bad = frame.diagnosis && frame.diagnosis.layer === i + 1 && status !== "healthy";
    ctx.fillStyle = bad ? "#b42318" : TRAIN_COLOUR;
    const x = left + 8 + i * width;
    ctx.fillRect(x, y(clipped), width * 0.7, canvas.height - bottom - y(clipped));
    ctx.fillStyle = "#616e7c";
    ctx.fillText(i === norms.length - 1 ? "out" : `L${i + 1}`, x + width * 0.2, canvas.height - 5);
  });
}
