// The setup as a link: every setting that rebuilds the network, written to and read from the
// URL's hash (#dataset=circles&noise=0.1&...&hidden=8:relu,8:relu&lr=0.1&batch=10). Opening the
// link builds the same network from the same seeded start. Pure functions: a second front end
// can use them with its own settings.

// Hash key -> the page's field id (in the order they are written).
export const FIELDS = [
  ["dataset", "dataset"], ["noise", "noise"], ["samples", "n-samples"], ["test", "test-fraction"],
  ["seed", "seed"], ["lr", "learning-rate"], ["optimizer", "optimizer"], ["batch", "batch-size"],
  ["l2", "l2"], ["l1", "l1"],
];

// ``values``: { key: text } for FIELDS, plus ``hidden``: [{units, activation}]. -> "#..." text.
export function setupHash(values) {
  const params = new URLSearchParams();
  for (const [key] of FIELDS) {
    if (values[key] === undefined) continue;
    params.set(key, key === "batch" && values[key] === "" ? "all" : values[key]);
  }
  if (values.inputs) params.set("inputs", values.inputs.join(","));
  params.set("hidden", values.hidden.map((layer) => `${layer.units}:${layer.activation}`).join(","));
  return `#${params.toString().replaceAll("%3A", ":").replaceAll("%2C", ",").replaceAll("%5E", "^")
    .replaceAll("%2A", "*").replaceAll("%28", "(").replaceAll("%29", ")")}`;
}

// "#..." -> { values: { key: text }, hidden: [{units, activation}] | null, inputs: [names] | null }
// (only what it names).
// Values stay text: the page puts them in its fields, where a bad one shows its error.
export function readSetupHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const values = {};
  for (const [key] of FIELDS) {
    if (params.has(key)) values[key] = key === "batch" && params.get(key) === "all" ? "" : params.get(key);
  }
  if (values.optimizer === "gd") {  // plain gradient descent is sgd with one batch of all samples
    values.optimizer = "sgd";
    values.batch = "";
  }
  let hidden = null;
  if (params.has("hidden")) {
    const text = params.get("hidden").trim();
    hidden = text === "" ? [] : text.split(",").map((part) => {
      const [units, activation] = part.split(":");
      return { units: Number(units), activation: activation || "relu" };
    });
  }
  const inputs = params.has("inputs") ? params.get("inputs").split(",").filter(Boolean) : null;
  return { values, hidden, inputs };
}
