// neuralab playground: the page's logic, hand-written (no library), drawing on <canvas>.
// The server trains; this file sends the settings, receives frames and draws them.
// Play is a loop with backpressure: ask the server for one chunk of epochs, draw the frame,
// and ask for the next chunk on the next animation frame. The picture is never more than one
// chunk behind the weights, so Pause, Step and a learning-rate change act on what is on screen.
"use strict";

const $ = (id) => document.getElementById(id);
const ORANGE = [232, 113, 10];
const BLUE = [8, 119, 189];
const WHITE = [255, 255, 255];
const EPOCHS_PER_CHUNK = 1;
const CLASS_COLOURS = [[232, 113, 10], [8, 119, 189], [46, 139, 87], [155, 89, 182], [192, 57, 43],
                       [127, 140, 141], [241, 196, 15], [52, 73, 94]];

const state = {
  options: null,
  layers: [{ units: 8, activation: "relu" }, { units: 8, activation: "relu" }],
  session: null,
  data: null,
  network: null,
  frame: null,
  train: [],
  test: [],
  loop: null,  // the running Play/Train loop: { session, remaining, stop, trained }
  upload: null,
  queue: Promise.resolve(),
};

// -- talking to the server ------------------------------------------------------------------
async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const payload = await response.json();
  if (!response.ok) {
    const error = new Error(payload.error || `The server answered ${response.status}.`);
    error.fix = payload.fix || null;  // settings that would work, e.g. {batch_size: 8}
    error.status = response.status;
    throw error;
  }
  return payload;
}

function enqueue(task) {
  state.queue = state.queue.then(task).catch((error) => showError(error.message, error.fix));
  return state.queue;
}

function showError(message, fix) {
  const box = $("error");
  box.replaceChildren(document.createTextNode(message || ""));
  if (message && fix && fix.batch_size) {
    const apply = button(`Use batch size ${fix.batch_size}`, () => {
      $("batch-size").value = String(fix.batch_size);
      build();
    }, "set the batch size to the number of training samples and build again");
    apply.id = "apply-fix";
    box.append(" ", apply);
  }
  box.hidden = !message;
}

// -- the settings ---------------------------------------------------------------------------
function numberOrText(value) {
  const number = Number(value);
  return value.trim() !== "" && Number.isFinite(number) ? number : value;
}

function readConfig() {
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
  };
  if (dataset === "upload") {
    Object.assign(config, {
      upload_id: state.upload ? state.upload.upload_id : null,
      target: $("target").value, x_feature: $("x-feature").value, y_feature: $("y-feature").value,
    });
  } else {
    config.noise = Number($("noise").value);
    config.n_samples = numberOrText($("n-samples").value);
  }
  return config;
}

function fillSelect(select, values, chosen) {
  select.replaceChildren(...values.map((value) => new Option(value, value, false, value === chosen)));
}

function renderLayers() {
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

// A small button; ``label`` is both its tooltip and its accessible name.
function button(text, onClick, label) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "small";
  element.textContent = text;
  element.title = label;
  element.setAttribute("aria-label", label);
  element.addEventListener("click", onClick);
  return element;
}

function changed() {
  renderLayers();
  build();
}

// -- sessions -------------------------------------------------------------------------------
function build() {
  stopPlay();
  return enqueue(async () => {
    const config = readConfig();
    let frame;
    try {
      frame = await api("POST", "/api/sessions", config);
    } catch (error) {
      notBuilt(error.message);
      showError(error.message, error.fix);
      document.body.dataset.failed = String(Number(document.body.dataset.failed || 0) + 1);
      return;
    }
    const old = state.session;
    state.session = frame.session;
    if (old) closeSession(old);
    showError("");
    setMessage("not-built", null);
    document.body.dataset.built = "1";
    setRunNote("");
    applyFull(frame);
    document.body.dataset.builds = String(Number(document.body.dataset.builds) + 1);
  });
}

function closeSession(id, keepalive = false) {
  fetch(`/api/sessions/${id}`, { method: "DELETE", keepalive }).catch(() => {});
}

// No network on screen: the last build failed (or no CSV is chosen). Nothing can be trained
// until a build succeeds, so the old data set and network leave the view.
function notBuilt(reason) {
  stopPlay();
  const old = state.session;
  state.session = null;
  state.frame = null;
  state.train = [];
  state.test = [];
  if (old) closeSession(old);
  document.body.dataset.built = "0";
  const epoch = $("epoch");
  epoch.textContent = "Not built";
  epoch.dataset.epoch = "";
  $("summary").textContent = "";
  setMessage("not-built", `${reason} Fix the setting on the left; the network is built again when it changes.`,
    "No network is built");
  for (const id of ["boundary", "loss-chart", "gradients"]) {
    const canvas = $(id);
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  }
  $("loss-readout").replaceChildren("Loss");
  $("loss-readout").dataset.train = "";
  $("loss-readout").dataset.test = "";
  $("neurons").replaceChildren();
  $("explanation").replaceChildren();
  $("gradient-status").textContent = "";
  for (const id of ["divergence", "not-trainable", "gradient-warning"]) setMessage(id, null);
  setRunNote("");
  updateControls();
}

function applyFull(frame) {
  state.data = frame.data;
  state.network = frame.network;
  state.train = [];
  state.test = [];
  const net = frame.network;
  $("summary").textContent = `${net.sizes.join("-")} network, ${net.parameters} parameters, ` +
    `${net.loss.replaceAll("_", " ")} loss`;
  $("sample").max = String(frame.data.train.length - 1);
  const [fx, fy] = frame.data.plane;
  $("boundary-caption").textContent = `Output over (${fx}, ${fy}); dots: training data, rings: test data.` +
    (frame.data.notes.length ? " " + frame.data.notes.join(" ") : "");
  $("explanation").replaceChildren();
  applyFrame(frame);
}

function applyFrame(frame) {
  state.frame = frame;
  const { start, train, test } = frame.losses;
  state.train.length = Math.min(state.train.length, start);
  state.test.length = Math.min(state.test.length, start);
  state.train.push(...train);
  state.test.push(...test);
  const epoch = $("epoch");
  epoch.textContent = `Epoch ${frame.epoch}`;
  epoch.dataset.epoch = String(frame.epoch);
  drawBoundary();
  drawLosses();
  drawGradients(frame);
  drawNeurons(frame.neurons);
  showMessages(frame);
}

function showMessages(frame) {
  let divergence = frame.divergence;
  if (divergence && frame.can_train) {
    divergence += ` The learning rate is now ${frame.learning_rate}: press Step or Play to go on from ` +
      `epoch ${frame.epoch}.`;
  }
  setMessage("divergence", divergence, "The training diverged");
  setMessage("not-trainable", frame.not_trainable, "This network cannot be trained");
  const diagnosis = frame.diagnosis;
  const bad = diagnosis && diagnosis.status !== "healthy";
  const titles = { vanishing: "Vanishing gradients", exploding: "Exploding gradients",
                   no_gradient: "No gradient flows" };
  setMessage("gradient-warning", bad ? diagnosis.advice : null, bad ? titles[diagnosis.status] || "Gradients" : "");
  $("gradient-status").textContent = diagnosis && !bad ? diagnosis.advice : "";
  updateControls();
}

function updateControls() {
  const frame = state.frame;
  const built = Boolean(state.session && frame);
  const canTrain = built && frame.can_train;
  const loop = state.loop;
  $("play").disabled = loop ? loop.stop : !canTrain;
  $("play").textContent = loop ? (loop.stop ? "Pausing…" : "Pause") : "Play";
  $("step").disabled = !canTrain || Boolean(loop);
  $("train-n").disabled = !canTrain || Boolean(loop);
  $("reset").disabled = !built;
  $("explain").disabled = !built || Boolean(frame.not_trainable);
}

function setRunNote(text) {
  $("run-note").textContent = text;
}

function setMessage(id, text, title) {
  const box = $(id);
  box.hidden = !text;
  box.replaceChildren();
  if (!text) return;
  const strong = document.createElement("strong");
  strong.textContent = title;
  box.append(strong, document.createTextNode(text));
}

// -- training controls ----------------------------------------------------------------------
// Train ``total`` epochs (Infinity: until Pause), one chunk per request, drawing each chunk's
// frame before asking for the next.
function play(total) {
  if (state.loop || !state.session || !state.frame || !state.frame.can_train) return;
  const loop = { session: state.session, remaining: total, stop: false, trained: 0 };
  state.loop = loop;
  document.body.dataset.busy = "1";
  setRunNote("");
  updateControls();
  requestAnimationFrame(() => chunk(loop));
}

function chunk(loop) {
  enqueue(async () => {
    if (state.loop !== loop) return;
    if (loop.stop || loop.remaining <= 0 || state.session !== loop.session) { endLoop(loop); return; }
    const epochs = Math.min(EPOCHS_PER_CHUNK, loop.remaining);
    let frame;
    try {
      frame = await api("POST", `/api/sessions/${loop.session}/train`, { epochs });
    } catch (error) {
      endLoop(loop, `Stopped at epoch ${state.frame ? state.frame.epoch : "?"}: ${error.message}`);
      throw error;
    }
    if (state.session !== loop.session) { endLoop(loop); return; }
    applyFrame(frame);
    loop.remaining -= epochs;
    loop.trained += epochs;
    if (frame.divergence && !frame.can_train) {
      endLoop(loop, `Stopped at epoch ${frame.epoch}: the training diverged (see the message on the right).`);
    } else if (loop.stop || loop.remaining <= 0) {
      endLoop(loop);
    } else {
      requestAnimationFrame(() => chunk(loop));
    }
  });
}

function endLoop(loop, note) {
  if (state.loop !== loop) return;
  state.loop = null;
  document.body.dataset.busy = "0";
  const epoch = state.frame ? state.frame.epoch : null;
  if (note) setRunNote(note);
  else if (epoch === null) setRunNote("");
  else if (loop.stop) setRunNote(`Paused at epoch ${epoch}.`);
  else setRunNote(`Trained ${loop.trained} epoch${loop.trained === 1 ? "" : "s"}; now at epoch ${epoch}.`);
  updateControls();
}

// Pause: no new chunk is asked for; the one in flight is drawn, then the loop ends there.
function stopPlay() {
  if (state.loop) {
    state.loop.stop = true;
    updateControls();
  }
}

function trainSteps(epochs) {
  stopPlay();
  enqueue(async () => {
    if (!state.session) return;
    const frame = await api("POST", `/api/sessions/${state.session}/train`, { epochs });
    applyFrame(frame);
    setRunNote(frame.divergence && !frame.can_train
      ? `Stopped at epoch ${frame.epoch}: the training diverged (see the message on the right).`
      : `Stepped to epoch ${frame.epoch}.`);
  });
}

// The learning rate changes mid-run: the same weights go on training with the new rate (raise
// it while it plays and watch it diverge; after a divergence, lower it and go on).
function changeLearningRate() {
  if (!state.session) { build(); return; }
  enqueue(async () => {
    try {
      applyFrame(await api("PATCH", `/api/sessions/${state.session}`,
                           { learning_rate: numberOrText($("learning-rate").value) }));
      $("explanation").replaceChildren();  // it showed a step at the old rate
      showError("");
    } catch (error) {
      showError(error.message);
    }
    document.body.dataset.rates = String(Number(document.body.dataset.rates || 0) + 1);
  });
}

function reset() {
  stopPlay();
  enqueue(async () => {
    if (!state.session) return;
    showError("");
    setRunNote("");
    applyFull(await api("POST", `/api/sessions/${state.session}/reset`));
  });
}

async function explain() {
  enqueue(async () => {
    if (!state.session) return;
    const sample = $("sample").value.trim();
    renderExplanation(await api("GET", `/api/sessions/${state.session}/explain?sample=${encodeURIComponent(sample)}`));
  });
}

// -- drawing --------------------------------------------------------------------------------
function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

// A value in [0, 1] -> orange (0) .. white (0.5) .. blue (1).
function diverging(t) {
  t = Math.max(0, Math.min(1, t));
  return t < 0.5 ? mix(ORANGE, WHITE, t * 2) : mix(WHITE, BLUE, (t - 0.5) * 2);
}

function targetRange() {
  const values = state.data.train.map((p) => p[2]);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return [low, high > low ? high : low + 1];
}

function valueColour(value, confidence) {
  if (value === null) return [200, 200, 200];
  const task = state.data.task;
  if (task === "binary") return diverging(value);
  if (task === "multiclass") return mix(WHITE, CLASS_COLOURS[value % CLASS_COLOURS.length], 0.25 + 0.75 * confidence);
  const [low, high] = targetRange();
  return diverging((value - low) / (high - low));
}

function heatmap(values, size, colour) {
  const image = new ImageData(size, size);
  values.forEach((value, i) => {
    const [r, g, b] = colour(value, i);
    image.data.set([r, g, b, 255], i * 4);
  });
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

function drawBoundary() {
  const canvas = $("boundary");
  const ctx = canvas.getContext("2d");
  const { size, extent, values, confidence } = state.frame.boundary;
  const task = state.data.task;
  const fade = task === "multiclass" ? (v, i) => valueColour(v, confidence[i]) : (v) => mix(valueColour(v), WHITE, 0.35);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(heatmap(values, size, fade), 0, 0, canvas.width, canvas.height);
  const [x0, x1, y0, y1] = extent;
  const px = (x) => ((x - x0) / (x1 - x0)) * canvas.width;
  const py = (y) => ((y1 - y) / (y1 - y0)) * canvas.height;
  const pointColour = (target) => {
    if (task === "regression") return diverging((target - targetRange()[0]) / (targetRange()[1] - targetRange()[0]));
    return task === "binary" ? (target > 0.5 ? BLUE : ORANGE) : CLASS_COLOURS[target % CLASS_COLOURS.length];
  };
  for (const [points, filled] of [[state.data.train, true], [state.data.test, false]]) {
    for (const [x, y, target] of points) {
      const [r, g, b] = pointColour(target);
      ctx.beginPath();
      ctx.arc(px(x), py(y), 3.2, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fill();
        ctx.strokeStyle = "#fff";
        ctx.lineWidth = 1;
      } else {
        ctx.strokeStyle = `rgb(${r},${g},${b})`;
        ctx.lineWidth = 1.6;
      }
      ctx.stroke();
    }
  }
  ctx.fillStyle = "rgba(31,41,51,0.75)";
  ctx.font = "12px system-ui, sans-serif";
  const [fx, fy] = state.data.plane;
  ctx.fillText(`${fx} →`, canvas.width - ctx.measureText(`${fx} →`).width - 6, canvas.height - 6);
  ctx.fillText(`↑ ${fy}`, 6, 14);
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

function drawLosses() {
  const canvas = $("loss-chart");
  const ctx = canvas.getContext("2d");
  const left = 46;
  const bottom = 20;
  axes(ctx, canvas, left, bottom);
  const finite = [...state.train, ...state.test].filter((v) => v !== null && Number.isFinite(v));
  const top = finite.length ? Math.max(...finite) * 1.05 || 1 : 1;
  const n = Math.max(state.train.length - 1, 1);
  const x = (i) => left + (i / n) * (canvas.width - left - 10);
  const y = (v) => canvas.height - bottom - (Math.min(v, top) / top) * (canvas.height - bottom - 10);
  ctx.fillText(top.toPrecision(3), 4, 14);
  ctx.fillText("0", left - 12, canvas.height - bottom);
  ctx.fillText(`epoch ${state.train.length - 1}`, canvas.width - 70, canvas.height - 5);
  for (const [series, colour] of [[state.train, "#0877bd"], [state.test, "#e8710a"]]) {
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
  const last = (series) => series.length ? series[series.length - 1] : null;
  const fmt = (v) => (v === null ? "not finite" : v.toPrecision(4));
  const readout = $("loss-readout");
  const train = last(state.train);
  const test = last(state.test);
  readout.dataset.train = train === null ? "" : String(train);
  readout.dataset.test = test === null ? "" : String(test);
  readout.replaceChildren();
  const parts = [["#0877bd", `training loss ${fmt(train)}`], ["#e8710a", `test loss ${fmt(test)}`]];
  for (const [colour, text] of parts) {
    const span = document.createElement("span");
    span.style.color = colour;
    span.style.marginRight = "1rem";
    span.textContent = `■ ${text}`;
    readout.append(span);
  }
}

function drawGradients(frame) {
  const canvas = $("gradients");
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
    ctx.fillStyle = bad ? "#b42318" : "#0877bd";
    const x = left + 8 + i * width;
    ctx.fillRect(x, y(clipped), width * 0.7, canvas.height - bottom - y(clipped));
    ctx.fillStyle = "#616e7c";
    ctx.fillText(i === norms.length - 1 ? "out" : `L${i + 1}`, x + width * 0.2, canvas.height - 5);
  });
}

function drawNeurons(layers) {
  const box = $("neurons");
  box.replaceChildren();
  const size = Math.round(Math.sqrt(layers.length && layers[0].length ? layers[0][0].length : 0));
  layers.forEach((units, index) => {
    const column = document.createElement("div");
    column.className = "neuron-layer";
    const label = document.createElement("span");
    label.textContent = `H${index + 1} ${state.network.activations[index]}`;
    column.append(label);
    units.forEach((values, unit) => {
      // Non-negative outputs (sigmoid, relu): white (smallest) to blue (largest); signed ones
      // (tanh, linear, leaky_relu): orange (negative), white (0), blue (positive).
      const finite = values.filter((v) => v !== null);
      const low = Math.min(...finite);
      const high = Math.max(...finite);
      const scale = Math.max(1e-9, Math.abs(low), Math.abs(high));
      const colour = low >= 0
        ? (v) => diverging(v === null ? 0.5 : 0.5 + (0.5 * (v - low)) / Math.max(1e-9, high - low))
        : (v) => diverging(v === null ? 0.5 : 0.5 + v / scale / 2);
      const canvas = heatmap(values, size, colour);
      canvas.title = `layer ${index + 1}, neuron ${unit + 1}: a from ${low.toPrecision(3)} to ${high.toPrecision(3)}`;
      column.append(canvas);
    });
    box.append(column);
  });
}

function renderExplanation(step) {
  const box = $("explanation");
  box.replaceChildren();
  const p = (html) => { const e = document.createElement("p"); e.textContent = html; box.append(e); return e; };
  const fmt = (v) => (v === null ? "—" : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4));
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

// -- uploads ----------------------------------------------------------------------------------
// A failed upload keeps its own error on screen and builds nothing (the previous upload is
// forgotten: its columns no longer match the file the learner chose).
async function uploadFile() {
  const file = $("upload").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  stopPlay();
  enqueue(async () => {
    try {
      state.upload = await api("POST", "/api/uploads", form);
    } catch (error) {
      state.upload = null;
      for (const id of ["target", "x-feature", "y-feature"]) $(id).replaceChildren();
      notBuilt(`The upload of ${file.name} failed.`);
      showError(error.message, error.fix);
      return;
    }
    const columns = state.upload.columns;
    fillSelect($("target"), columns, columns[columns.length - 1]);
    fillUploadFeatures();
    showError("");
    build();
  });
}

function fillUploadFeatures() {
  const target = $("target").value;
  const features = state.upload.numeric.filter((name) => name !== target);
  const x = features.includes($("x-feature").value) ? $("x-feature").value : features[0];
  fillSelect($("x-feature"), features, x);
  fillYFeature();
}

// The y list never offers the x choice: the plane needs two different columns.
function fillYFeature() {
  const target = $("target").value;
  const x = $("x-feature").value;
  const features = state.upload.numeric.filter((name) => name !== target && name !== x);
  const y = features.includes($("y-feature").value) ? $("y-feature").value : features[0];
  fillSelect($("y-feature"), features, y);
}

// -- start ------------------------------------------------------------------------------------
async function start() {
  state.options = await api("GET", "/api/options");
  fillSelect($("dataset"), state.options.datasets, "circles");
  fillSelect($("optimizer"), state.options.optimizers, "sgd");
  renderLayers();
  $("add-layer").addEventListener("click", () => {
    const lastLayer = state.layers[state.layers.length - 1];
    state.layers.push({ units: lastLayer ? lastLayer.units : 4, activation: lastLayer ? lastLayer.activation : "relu" });
    changed();
  });
  $("dataset").addEventListener("change", () => {
    const upload = $("dataset").value === "upload";
    $("upload-options").hidden = !upload;
    $("toy-options").hidden = upload;
    if (!upload || state.upload) {
      build();
    } else {
      enqueue(async () => {
        notBuilt("No CSV file is uploaded yet.");
        showError("Choose a CSV file to upload.");
      });
    }
  });
  $("noise").addEventListener("input", () => { $("noise-value").textContent = Number($("noise").value).toFixed(2); });
  $("test-fraction").addEventListener("input", () => {
    $("test-fraction-value").textContent = `${Math.round(Number($("test-fraction").value) * 100)}%`;
  });
  $("learning-rate").addEventListener("change", changeLearningRate);
  for (const id of ["noise", "n-samples", "test-fraction", "seed", "optimizer", "batch-size", "l2",
                    "y-feature"]) {
    $(id).addEventListener("change", build);
  }
  $("x-feature").addEventListener("change", () => { fillYFeature(); build(); });
  $("target").addEventListener("change", () => { fillUploadFeatures(); build(); });
  $("upload").addEventListener("change", uploadFile);
  $("play").addEventListener("click", () => {
    if (state.loop) stopPlay(); else play(Infinity);
  });
  $("step").addEventListener("click", () => trainSteps(1));
  $("train-n").addEventListener("click", () => {
    const epochs = Number($("n-epochs").value);
    const limit = state.options.limits.max_epochs_per_request;
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > limit) {
      showError(`Train between 1 and ${limit} epochs at a time.`);
      return;
    }
    play(epochs);
  });
  $("reset").addEventListener("click", reset);
  $("explain").addEventListener("click", explain);
  // Close this page's session when it goes away (a reload, a closed tab), so reloads do not
  // pile up sessions; sendBeacon cannot DELETE, a keepalive fetch can. Back from the
  // back-forward cache, the page builds a fresh one.
  window.addEventListener("pagehide", () => {
    if (state.session) closeSession(state.session, true);
  });
  window.addEventListener("pageshow", (event) => { if (event.persisted) build(); });
  build();
}

start().catch((error) => showError(error.message));
