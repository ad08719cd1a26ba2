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

// The output over the plane (``boundary`` from a frame) with the training (dots) and test (rings) points.
export function drawBoundary(canvas, boundary, data) {
  const ctx = canvas.getContext("2d");
  const { size, extent, values, confidence } = boundary;
  const task = data.task;
  const fade = task === "multiclass" ? (v, i) => valueColour(v, confidence[i], data)
    : (v) => mix(valueColour(v, null, data), WHITE, 0.35);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(heatmap(values, size, fade), 0, 0, canvas.width, canvas.height);
  const [x0, x1, y0, y1] = extent;
  const px = (x) => ((x - x0) / (x1 - x0)) * canvas.width;
  const py = (y) => ((y1 - y) / (y1 - y0)) * canvas.height;
  const [low, high] = task === "regression" ? targetRange(data) : [0, 1];
  const pointColour = (target) => {
    if (task === "regression") return diverging((target - low) / (high - low));
    return task === "binary" ? (target > 0.5 ? BLUE : ORANGE) : CLASS_COLOURS[target % CLASS_COLOURS.length];
  };
  for (const [points, filled] of [[data.train, true], [data.test, false]]) {
    for (const [x, y, target] of points) {
      const colour = rgb(pointColour(target));
      ctx.beginPath();
      ctx.arc(px(x), py(y), 3.2, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.strokeStyle = "#fff";
        ctx.lineWidth = 1;
      } else {
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1.6;
      }
      ctx.stroke();
    }
  }
  ctx.fillStyle = "rgba(31,41,51,0.75)";
  ctx.font = "12px system-ui, sans-serif";
  const [fx, fy] = data.plane;
  ctx.fillText(`${fx} →`, canvas.width - ctx.measureText(`${fx} →`).width - 6, canvas.height - 6);
  ctx.fillText(`↑ ${fy}`, 6, 14);
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

// Training and test loss per epoch (index 0: before training; null: not finite).
export function drawLosses(canvas, train, test) {
  const ctx = canvas.getContext("2d");
  const left = 46;
  const bottom = 20;
  axes(ctx, canvas, left, bottom);
  const finite = [...train, ...test].filter((v) => v !== null && Number.isFinite(v));
  const top = finite.length ? Math.max(...finite) * 1.05 || 1 : 1;
  const n = Math.max(train.length - 1, 1);
  const x = (i) => left + (i / n) * (canvas.width - left - 10);
  const y = (v) => canvas.height - bottom - (Math.min(v, top) / top) * (canvas.height - bottom - 10);
  ctx.fillText(top.toPrecision(3), 4, 14);
  ctx.fillText("0", left - 12, canvas.height - bottom);
  ctx.fillText(`epoch ${train.length - 1}`, canvas.width - 70, canvas.height - 5);
  for (const [series, colour] of [[train, TRAIN_COLOUR], [test, TEST_COLOUR]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    let drawing = false;
    series.forEach((v, i) => {
      if (v === null) { drawing = false; return; }
      if (drawing) ctx.lineTo(x(i), y(v)); else ctx.moveTo(x(i), y(v));
      drawing = true;
    });
    ctx.stroke();
  }
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
