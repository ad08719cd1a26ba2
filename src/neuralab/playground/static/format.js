// How numbers and names read on every view: one place, so the graph, its tip and the explained
// step agree. Exports fmt (a value in a table), short (a value on a node badge), precise
// (4 significant digits), inputLabel (x1^2 -> x1²) and layerName (0 -> input, H1.., output).

// A table value: 4 decimals, or 3 significant digits in exponent form when tiny or huge.
export function fmt(v) {
  if (v === null || v === undefined) return "—";
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}

// A badge value (little room): 3 decimals or 1 significant digit in exponent form.
export function short(v) {
  if (v === null || v === undefined) return "—";
  return Math.abs(v) >= 1e3 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : v.toFixed(3);
}

// 4 significant digits, or "not finite" (null, NaN, infinity: a diverged network).
export function precise(v) {
  return v !== null && Number.isFinite(Number(v)) ? Number(v).toPrecision(4) : "not finite";
}

const INPUT_LABELS = { "x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2", "sin(pi*x1)": "sin(πx1)",
                       "sin(pi*x2)": "sin(πx2)" };

// How an input feature reads on the page.
export const inputLabel = (name) => INPUT_LABELS[name] || name;

// Layer ``layer`` of a network of ``count`` layers (inputs included): input, H1, H2, .., output.
export function layerName(layer, count) {
  if (layer === 0) return "input";
  return layer === count - 1 ? "output" : `H${layer}`;
}
