// The settings on the left: reading them into a configuration the server checks (readConfig),
// the input-feature boxes, the hidden-layer rows (+/−, activation, ×), the upload's column
// choices, and the page's small helpers ($, button, fillSelect, numberOrText).
import { inputLabel } from "./format.js";
import { state } from "./state.js";

export const $ = (id) => document.getElementById(id);

// A number where the field holds one, else the text as typed (the server names what is wrong).
export function numberOrText(value) {
  const number = Number(value);
  return value.trim() !== "" && Number.isFinite(number) ? number : value;
}

export function readConfig() {
  const dataset = $("dataset").value;
  const batch = $("batch-size").value.trim();
  const config = {
    dataset,
    test_fraction: Number($("test-fraction").value),
    seed: numberOrText($("seed").value),
    hidden: state.layers.map((layer) => ({ units: layer.units, activation: layer.activation })),
    learning_rate: numberOrText($("learning-rate").value),
    batch_size: batch === "" ? null : numberOrText(batch),
    optimizer: $("optimizer").value,
    l2: numberOrText($("l2").value),
    l1: numberOrText($("l1").value),
  };
  if (dataset === "upload") {
    Object.assign(config, {
      upload_id: state.upload ? state.upload.upload_id : null,
      target: $("target").value, x_feature: $("x-feature").value, y_feature: $("y-feature").value,
    });
  } else {
    config.noise = Number($("noise").value);
    config.n_samples = numberOrText($("n-samples").value);
    config.inputs = chosenInputs();
  }
  return config;
}

export function chosenInputs() {
  return [...document.querySelectorAll("#inputs input:checked")].map((box) => box.value);
}

// One checkbox per input feature the server offers; ``chosen`` are ticked; ``changed()`` on a click.
export function renderInputs(names, chosen, changed) {
  $("inputs").replaceChildren(...names.map((name) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = name;
    box.checked = chosen.includes(name);
    box.addEventListener("change", changed);
    label.append(box, ` ${inputLabel(name)}`);
    return label;
  }));
}

export function fillSelect(select, values, chosen) {
  select.replaceChildren(...values.map((value) => new Option(value, value, false, value === chosen)));
}

// A small button; ``label`` is both its tooltip and its accessible name.
export function button(text, onClick, label) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "small";
  element.textContent = text;
  element.title = label;
  element.setAttribute("aria-label", label);
  element.addEventListener("click", onClick);
  return element;
}

// The hidden-layer rows; ``changed()`` is called after every edit (the page rebuilds).
export function renderLayers(changed) {
  const box = $("layers");
  const limits = state.options.limits;
  box.replaceChildren();
  state.layers.forEach((layer, index) => {
    const row = document.createElement("div");
    row.className = "layer-row";
    row.dataset.layer = String(index + 1);
    const name = document.createElement("span");
    name.textContent = `H${index + 1}`;
    const where = `hidden layer ${index + 1}`;
    const minus = button("−", () => { layer.units = Math.max(1, layer.units - 1); changed(); },
      `fewer neurons in ${where}`);
    minus.disabled = layer.units <= 1;
    const units = document.createElement("span");
    units.className = "units";
    units.textContent = String(layer.units);
    const plus = button("+", () => { layer.units = Math.min(limits.max_units, layer.units + 1); changed(); },
      `more neurons in ${where}`);
    plus.disabled = layer.units >= limits.max_units;
    const select = document.createElement("select");
    select.className = "activation";
    select.setAttribute("aria-label", `activation of ${where}`);
    fillSelect(select, state.options.activations.filter((name) => name !== "softmax"), layer.activation);
    select.addEventListener("change", () => { layer.activation = select.value; changed(); });
    const remove = button("×", () => { state.layers.splice(index, 1); changed(); }, `remove ${where}`);
    row.append(name, minus, units, plus, select, remove);
    box.append(row);
  });
  const full = state.layers.length >= limits.max_hidden_layers;
  const add = $("add-layer");
  add.disabled = full;
  add.title = full ? `At most ${limits.max_hidden_layers} hidden layers: remove one (×) to add another.`
    : "add a hidden layer like the last one";
  $("layers-hint").textContent = full
    ? `${limits.max_hidden_layers} hidden layers is the most the playground builds; remove one (×) to add another.`
    : "";
}

// -- uploads: the column choices --------------------------------------------------------------
export function fillUploadFeatures() {
  const target = $("target").value;
  const features = state.upload.numeric.filter((name) => name !== target);
  const x = features.includes($("x-feature").value) ? $("x-feature").value : features[0];
  fillSelect($("x-feature"), features, x);
  fillYFeature();
}

// The y list never offers the x choice: the plane needs two different columns.
export function fillYFeature() {
  const target = $("target").value;
  const x = $("x-feature").value;
  const features = state.upload.numeric.filter((name) => name !== target && name !== x);
  const y = features.includes($("y-feature").value) ? $("y-feature").value : features[0];
  fillSelect($("y-feature"), features, y);
}

// Send a CSV file (``server``: api.js's client) and offer its columns; a failed upload forgets
// the previous one (its columns no longer match the file the learner chose) and throws.
export async function uploadCsv(server, file) {
  const form = new FormData();
  form.append("file", file);
  try {
    state.upload = await server.upload(form);
  } catch (error) {
    state.upload = null;
    for (const id of ["target", "x-feature", "y-feature"]) $(id).replaceChildren();
    throw error;
  }
  const columns = state.upload.columns;
  fillSelect($("target"), columns, columns[columns.length - 1]);
  fillUploadFeatures();
}

// The sliders' readouts, now and as they move.
export function showSliders() {
  $("noise-value").textContent = Number($("noise").value).toFixed(2);
  $("test-fraction-value").textContent = `${Math.round(Number($("test-fraction").value) * 100)}%`;
}

// "+ hidden layer": one more like the last one.
export function addLayer() {
  const last = state.layers[state.layers.length - 1];
  state.layers.push({ units: last ? last.units : 4, activation: last ? last.activation : "relu" });
}

// "Regenerate data": the next seed.
export function nextSeed() {
  const seed = Number($("seed").value);
  $("seed").value = String(Number.isInteger(seed) && seed >= 0 ? seed + 1 : 0);
}
