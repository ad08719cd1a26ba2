// neuralab playground: the page itself (an ES module, no library). The server trains; this
// module sends the settings, receives frames and draws them with charts.js.
// Play is a loop with backpressure: ask the server for one chunk of epochs, draw the frame,
// and ask for the next chunk on the next animation frame. The picture is never more than one
// chunk behind the weights, so Pause, Step and a learning-rate change act on what is on screen.
import { client } from "./api.js";
import { TEST_COLOUR, TRAIN_COLOUR, clearCanvas, drawBoundary, drawGradients, drawLosses,
         outputLegend } from "./charts.js";
import { diverging, rgb } from "./colours.js";
import { $, button, chosenInputs, fillSelect, fillUploadFeatures, fillYFeature, inputLabel, numberOrText,
         readConfig, renderInputs, renderLayers } from "./controls.js";
import { chainRule, fmt, renderExplanation } from "./explain.js";
import { SVG, createGraph, decodeMap, layerName, paintMap, unitColour } from "./graph.js";
import { FIELDS, readSetupHash, setupHash } from "./setup.js";
import { addLosses, state } from "./state.js";

const server = client();
// Play asks for a chunk of epochs per request, sized so the loop runs about TARGET_EPOCHS_PER_SECOND
// whatever a request and a drawing take here (one frame per chunk, drawn from its last epoch's weights).
const TARGET_EPOCHS_PER_SECOND = 75;
const MAX_EPOCHS_PER_CHUNK = 25;
window.state = state;  // for the browser tests and the console

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

function changed() {
  renderLayers(changed);
  build();
}

// -- sessions -------------------------------------------------------------------------------
function build() {
  stopPlay();
  return enqueue(async () => {
    const config = readConfig();
    // The old session goes first (a new build replaces it in any case): when the server is full,
    // its place is this page's to take again.
    const old = state.session;
    state.session = null;
    if (old) await server.remove(old);
    let frame;
    try {
      frame = await server.create(config);
    } catch (error) {
      notBuilt(error.message);
      showError(error.message, error.fix);
      document.body.dataset.failed = String(Number(document.body.dataset.failed || 0) + 1);
      return;
    }
    state.session = frame.session;
    showError("");
    setMessage("not-built", null);
    document.body.dataset.built = "1";
    setRunNote("");
    applyFull(frame);
    writeHash();
    document.body.dataset.builds = String(Number(document.body.dataset.builds) + 1);
  });
}

// -- the setup in the link ---------------------------------------------------------------------
function currentSetup() {
  const values = { hidden: state.layers, inputs: $("dataset").value === "upload" ? null : chosenInputs() };
  for (const [key, id] of FIELDS) values[key] = $(id).value.trim();
  return values;
}

// After a build (or a learning-rate change): the link names what is on screen. The first one
// replaces the entry the page was opened with; later ones are new entries (Back goes back).
function writeHash() {
  const hash = setupHash(currentSetup());
  if (location.hash === hash) return;
  if (state.historyReady) history.pushState(null, "", hash);
  else history.replaceState(null, "", hash);
  state.historyReady = true;
}

function readHash() {
  const { values, hidden, inputs } = readSetupHash(location.hash);
  for (const [key, id] of FIELDS) {
    if (values[key] !== undefined) $(id).value = values[key];
  }
  if (hidden !== null) state.layers = hidden;
  renderInputs(state.options.inputs, inputs || ["x1", "x2"], build);
  $("noise-value").textContent = Number($("noise").value).toFixed(2);
  $("test-fraction-value").textContent = `${Math.round(Number($("test-fraction").value) * 100)}%`;
  renderLayers(changed);
  validate();
}

async function copyLink() {
  const note = $("link-note");
  try {
    await navigator.clipboard.writeText(location.href);
    note.textContent = "Link copied: ";
  } catch {
    note.textContent = "Copy this link: ";
  }
  const link = document.createElement("code");
  link.textContent = location.href;
  note.append(link);
}

// -- fields checked as they are typed: an invalid one blocks Play, Step and Train -------------
function fieldChecks() {
  const limits = state.options.limits;
  const number = (text) => (text.trim() === "" ? NaN : Number(text));
  const whole = (text) => Number.isInteger(number(text));
  return {
    "learning-rate": ["Learning rate", (t) => number(t) > 0 && number(t) <= limits.max_learning_rate,
                      `a number > 0 and <= ${limits.max_learning_rate}`],
    "batch-size": ["Batch size", (t) => t.trim() === "" || (whole(t) && number(t) >= 1 && number(t) <= limits.max_samples),
                   `a whole number from 1 to ${limits.max_samples}, or empty for all samples`],
    "n-samples": ["Samples", (t) => whole(t) && number(t) >= limits.min_samples && number(t) <= limits.max_samples,
                  `a whole number from ${limits.min_samples} to ${limits.max_samples}`],
    seed: ["Seed", (t) => whole(t) && number(t) >= 0 && number(t) <= limits.max_seed,
           `a whole number from 0 to ${limits.max_seed}`],
    l2: ["L2 regularisation", (t) => number(t) >= 0 && number(t) <= limits.max_regularization,
         `a number from 0 to ${limits.max_regularization}`],
    l1: ["L1 regularisation", (t) => number(t) >= 0 && number(t) <= limits.max_regularization,
         `a number from 0 to ${limits.max_regularization}`],
    "n-epochs": ["Epochs", (t) => whole(t) && number(t) >= 1 && number(t) <= limits.max_epochs_per_request,
                 `a whole number from 1 to ${limits.max_epochs_per_request}`],
  };
}

function validate() {
  const problems = [];
  for (const [id, [name, ok, expected]] of Object.entries(fieldChecks())) {
    const field = $(id);
    const bad = !(id === "n-samples" && $("dataset").value === "upload") && !ok(field.value);
    field.setAttribute("aria-invalid", String(bad));
    if (bad) problems.push(`${name} must be ${expected} (it is "${field.value}").`);
  }
  state.invalid = problems;
  const box = $("field-error");
  box.textContent = problems.length ? `${problems.join(" ")} Play and Step wait until it is fixed.` : "";
  box.hidden = !problems.length;
  updateControls();
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
  if (old) server.close(old);
  document.body.dataset.built = "0";
  const epoch = $("epoch");
  epoch.textContent = "Not built";
  epoch.dataset.epoch = "";
  $("summary").textContent = "";
  setMessage("not-built", `${reason} Fix the setting on the left; the network is built again when it changes.`,
    "No network is built");
  for (const id of ["boundary", "loss-chart", "gradients"]) clearCanvas($(id));
  $("loss-readout").replaceChildren("Loss");
  $("loss-readout").dataset.train = "";
  $("loss-readout").dataset.test = "";
  state.step = null;
  showStage();
  $("apply-result").textContent = "";
  $("graph").replaceChildren();
  $("graph").dataset.epoch = "";
  $("legends").hidden = true;
  state.graph = null;
  state.selected = null;
  $("node-detail").hidden = true;
  showWeight(null);
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
  outputLegend($("output-legend"), frame.data);
  $("boundary-caption").textContent = `Output over (${fx}, ${fy}); points with a white edge: training data, ` +
    "dark edge: test data." +
    (frame.data.notes.length ? " " + frame.data.notes.join(" ") : "");
  $("explanation").replaceChildren();
  state.step = null;
  $("apply-result").textContent = "";
  state.selected = null;
  $("node-detail").hidden = true;
  showWeight(null);
  makeGraph();
  applyFrame(frame);
  showStage();
}

function makeGraph() {
  const net = state.network;
  state.graph = createGraph($("graph"), { sizes: net.sizes, activations: net.activations,
                                          features: state.data.features.map(inputLabel), task: state.data.task },
                            { onNode: selectNode, onWeight: showWeight });
  $("legends").hidden = false;
}

function applyFrame(frame) {
  state.frame = frame;
  addLosses(frame);
  const epoch = $("epoch");
  epoch.textContent = `Epoch ${frame.epoch}`;
  epoch.dataset.epoch = String(frame.epoch);
  drawOutput();
  showLossReadout();
  drawGradients($("gradients"), frame);
  state.graph.update(frame);
  drawLegends();
  showNode();
  if (state.hover) showWeight(state.hover);
  showMessages(frame);
}

// The plane and the loss chart as the toggles say (they redraw without asking the server).
function drawOutput() {
  if (!state.frame) return;
  drawBoundary($("boundary"), state.frame.boundary, state.data,
               { showTest: $("show-test").checked, discretize: $("discretize").checked,
                 highlight: state.step ? state.step.sample : null });
  drawLosses($("loss-chart"), state.train, state.test, { log: $("log-loss").checked });
}

// -- the graph's legends, the chosen node and the hovered weight --------------------------------
function drawLegends() {
  const graph = state.graph;
  const weights = $("weight-legend");
  const scale = graph.weightScale;
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
  const units = $("unit-legend");
  const bar = document.createElement("canvas");
  bar.width = 100;
  bar.height = 10;
  const ctx = bar.getContext("2d");
  for (let x = 0; x < 100; x += 1) {
    ctx.fillStyle = rgb(diverging(x / 99));
    ctx.fillRect(x, 0, 1, 10);
  }
  const s = graph.unitScale;
  const fmt = (v) => String(Number(v.toPrecision(3)));
  units.replaceChildren(`hidden unit output a: −${fmt(s)}`, bar, `+${fmt(s)}`);
  units.dataset.scale = String(s);
  weights.dataset.scale = String(scale);
}

function selectNode(layer, unit) {
  const same = state.selected && state.selected.layer === layer && state.selected.unit === unit;
  state.selected = same ? null : { layer, unit };
  showNode();
}

function showNode() {
  for (const box of $("graph").querySelectorAll(".node.selected")) box.classList.remove("selected");
  const chosen = state.selected;
  const detail = $("node-detail");
  if (!chosen || !state.frame) { detail.hidden = true; return; }
  const { layer, unit } = chosen;
  const entry = state.frame.units[layer][unit];
  state.graph.nodes[layer][unit].box.classList.add("selected");
  const small = document.createElement("canvas");
  paintMap(small, decodeMap(entry), unitColour(state.graph, layer, state.data.task, entry));
  const large = $("node-large");
  const ctx = large.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, large.width, large.height);
  const fmt = (v) => (v === null ? "not finite" : Number(v).toPrecision(4));
  const count = state.network.sizes.length;
  let text;
  if (layer === 0) {
    text = `Input ${inputLabel(state.data.features[unit])}: from ${fmt(entry.lo)} to ${fmt(entry.hi)} over the plane.`;
  } else {
    const bias = state.frame.biases[layer - 1][unit];
    text = `${layerName(layer, count)} unit ${unit + 1} (${state.network.activations[layer - 1]}): ` +
      `a = f(z) from ${fmt(entry.lo)} to ${fmt(entry.hi)} over the plane; z from ${fmt(entry.z[0])} to ` +
      `${fmt(entry.z[1])}; bias b = ${fmt(bias)}.`;
  }
  $("node-caption").textContent = text;
  detail.dataset.layer = String(layer);
  detail.dataset.unit = String(unit);
  detail.hidden = false;
}

// ``line``: the hovered weight's drawn line (its data-* attributes are the numbers), or null.
function showWeight(line, event) {
  const tip = $("weight-tip");
  if (state.hover && state.hover !== line) state.hover.classList.remove("hover");
  state.hover = line || null;
  if (!line) { tip.hidden = true; return; }
  line.classList.add("hover");
  const layer = Number(line.dataset.layer);
  const from = Number(line.dataset.from);
  const to = Number(line.dataset.to);
  const count = state.network.sizes.length;
  const source = layer === 1 ? inputLabel(state.data.features[from]) : `${layerName(layer - 1, count)} unit ${from + 1}`;
  const target = `${layerName(layer, count)} unit ${to + 1}`;
  const fmt = (v) => (Number.isFinite(Number(v)) ? Number(v).toPrecision(4) : "not finite");
  tip.textContent = `${source} → ${target}: w = ${fmt(line.dataset.weight)}, ` +
    `dE/dw = ${fmt(line.dataset.gradient)} (all training samples)`;
  if (state.step && line.dataset.sampleGradient !== undefined) {
    tip.textContent += `. Sample ${state.step.sample}: ${chainRule(state.step, layer, from, to)}`;
  }
  if (event) {
    const box = $("network-view").getBoundingClientRect();
    tip.style.left = `${Math.min(event.clientX - box.left + 12, box.width - 200)}px`;
    tip.style.top = `${event.clientY - box.top + 14}px`;
  }
  tip.hidden = false;
}

function showLossReadout() {
  const last = (series) => series.length ? series[series.length - 1] : null;
  const fmt = (v) => (v === null ? "not finite" : v.toPrecision(4));
  const readout = $("loss-readout");
  const train = last(state.train);
  const test = last(state.test);
  readout.dataset.train = train === null ? "" : String(train);
  readout.dataset.test = test === null ? "" : String(test);
  readout.replaceChildren();
  for (const [colour, text] of [[TRAIN_COLOUR, `training loss ${fmt(train)}`], [TEST_COLOUR, `test loss ${fmt(test)}`]]) {
    const span = document.createElement("span");
    span.style.color = colour;
    span.style.marginRight = "1rem";
    span.textContent = `■ ${text}`;
    readout.append(span);
  }
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
                   no_gradient: "No gradient flows", too_large_learning_rate: "The learning rate is too large" };
  setMessage("gradient-warning", bad ? diagnosis.advice : null, bad ? titles[diagnosis.status] || "Gradients" : "");
  $("gradient-status").textContent = diagnosis && !bad ? diagnosis.advice : "";
  updateControls();
}

function updateControls() {
  const frame = state.frame;
  const built = Boolean(state.session && frame);
  const canTrain = built && frame.can_train && !state.invalid.length;
  const loop = state.loop;
  $("play").disabled = loop ? loop.stop || Boolean(state.invalid.length) : !canTrain;
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
  const loop = { session: state.session, remaining: total, stop: false, trained: 0, chunk: 1, inFlight: 0 };
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
    const epochs = Math.min(loop.chunk, loop.remaining);
    const started = performance.now();
    loop.inFlight = epochs;
    let frame;
    try {
      frame = await server.train(loop.session, epochs);
    } catch (error) {
      endLoop(loop, `Stopped at epoch ${state.frame ? state.frame.epoch : "?"}: ${error.message}`);
      throw error;
    }
    if (state.session !== loop.session) { endLoop(loop); return; }
    clearStep();  // the weights moved on: the explained step was of the old ones
    applyFrame(frame);
    loop.inFlight = 0;
    loop.remaining -= epochs;
    loop.trained += epochs;
    loop.chunk = nextChunk(epochs, frame.train_seconds || 0, (performance.now() - started) / 1000 + 1 / 60);
    document.body.dataset.chunk = String(loop.chunk);
    if (frame.divergence && !frame.can_train) {
      endLoop(loop, `Stopped at epoch ${frame.epoch}: the training diverged (see the message on the right).`);
    } else if (loop.stop || loop.remaining <= 0) {
      endLoop(loop);
    } else {
      requestAnimationFrame(() => chunk(loop));
    }
  });
}

// The next chunk's epochs, from the last one: ``epochs`` took ``trainSeconds`` on the server and
// ``totalSeconds`` in all (request, frame, drawing, the wait for the next animation frame). With
// e = seconds per epoch and o = seconds per frame, k epochs per chunk run k / (o + k e) epochs/s:
// the smallest k reaching the target, but a frame at least every ~0.15 s while that allows k >= 1.
function nextChunk(epochs, trainSeconds, totalSeconds) {
  const perEpoch = Math.max(trainSeconds / epochs, 1e-4);
  const overhead = Math.max(totalSeconds - trainSeconds, 1e-3);
  const target = TARGET_EPOCHS_PER_SECOND;
  const reach = target * perEpoch < 0.95 ? Math.ceil((target * overhead) / (1 - target * perEpoch)) : MAX_EPOCHS_PER_CHUNK;
  const smooth = Math.max(1, Math.floor((0.15 - overhead) / perEpoch));
  return Math.max(1, Math.min(MAX_EPOCHS_PER_CHUNK, reach, smooth));
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
    const frame = await server.train(state.session, epochs);
    clearStep();
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
  if (state.invalid.some((text) => text.startsWith("Learning rate"))) return;  // the field says why
  enqueue(async () => {
    try {
      applyFrame(await server.setLearningRate(state.session, numberOrText($("learning-rate").value)));
      writeHash();
      $("explanation").replaceChildren();  // it showed a step at the old rate
      clearStep();
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
    applyFull(await server.reset(state.session));
  });
}

// -- a step explained on the graph ---------------------------------------------------------------
function explain() {
  enqueue(async () => {
    if (!state.session) return;
    const step = await server.explain(state.session, $("sample").value.trim());
    state.step = step;
    state.stage = 0;
    renderExplanation($("explanation"), step);
    $("apply-result").textContent = "";
    showStage();
    drawOutput();  // the chosen point is ringed
  });
}

function showStage() {
  const step = state.step;
  const graph = state.graph;
  const layers = step ? step.layers.length : 0;
  $("stage-prev").disabled = !step || state.stage <= 0;
  $("stage-next").disabled = !step || state.stage >= 2 * layers - 1;
  $("apply-step").disabled = !step || Boolean(state.loop);
  if (!step || !graph) {
    if (graph) graph.clearStep();
    $("stage-note").textContent = "";
    return;
  }
  graph.showStep(step, state.stage);
  const count = state.network.sizes.length;
  $("stage-note").textContent = state.stage < layers
    ? `Forward, ${layerName(state.stage + 1, count)}: z = x W + b and a = f(z) for sample ${step.sample} ` +
      `(its loss E = ${fmt(step.loss)}). Next ▶ goes on.`
    : `Backward, ${layerName(2 * layers - state.stage, count)}: dE/dz = dE/da × f'(z) on each node, ` +
      "dE/dw = x × dE/dz on each dashed line (hover one for its chain rule).";
}

function moveStage(delta) {
  if (!state.step) return;
  state.stage = Math.max(0, Math.min(2 * state.step.layers.length - 1, state.stage + delta));
  showStage();
}

function clearStep() {
  if (!state.step) return;
  state.step = null;
  showStage();
}

function applyStep() {
  enqueue(async () => {
    if (!state.session || !state.step) return;
    const sample = state.step.sample;
    const before = state.frame.weights;
    const answer = await server.applyStep(state.session, sample);
    applyFrame(answer.frame);
    const after = answer.frame.weights;
    // The weight that moved most, before and after, as an example of W <- W - lr dE/dW.
    let best = null;
    after.forEach((matrix, l) => matrix.forEach((row, i) => row.forEach((w, j) => {
      const change = Math.abs(w - before[l][i][j]);
      if (!best || change > best.change) best = { change, l, i, j, from: before[l][i][j], to: w };
    })));
    const count = state.network.sizes.length;
    const where = best ? `${best.l === 0 ? inputLabel(state.data.features[best.i]) : `${layerName(best.l, count)} unit ${best.i + 1}`}` +
      ` → ${layerName(best.l + 1, count)} unit ${best.j + 1}` : "";
    $("apply-result").textContent = `Applied W ← W − ${answer.step.learning_rate} × dE/dW for sample ${sample}: ` +
      `its loss E went from ${fmt(answer.loss_before)} to ${fmt(answer.loss_after)}.` +
      (best ? ` The weight that moved most, ${where}: ${fmt(best.from)} → ${fmt(best.to)}.` : "");
    $("apply-result").dataset.before = String(answer.loss_before);
    $("apply-result").dataset.after = String(answer.loss_after);
    // The step of the new weights, at the same stage.
    const stage = state.stage;
    state.step = await server.explain(state.session, sample);
    state.stage = stage;
    renderExplanation($("explanation"), state.step);
    showStage();
    drawOutput();
  });
}

// A click on the plane picks the nearest training point for "Explain this step".
function pickPoint(event) {
  if (!state.data || !state.frame) return;
  const canvas = $("boundary");
  const box = canvas.getBoundingClientRect();
  const [x0, x1, y0, y1] = state.frame.boundary.extent;
  const x = x0 + ((event.clientX - box.left) / box.width) * (x1 - x0);
  const y = y1 - ((event.clientY - box.top) / box.height) * (y1 - y0);
  let nearest = 0;
  let distance = Infinity;
  state.data.train.forEach(([px, py], i) => {
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d < distance) { distance = d; nearest = i; }
  });
  $("sample").value = String(nearest);
  explain();
}

// -- uploads ----------------------------------------------------------------------------------
// A failed upload keeps its own error on screen and builds nothing (the previous upload is
// forgotten: its columns no longer match the file the learner chose).
function uploadFile() {
  const file = $("upload").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  stopPlay();
  enqueue(async () => {
    try {
      state.upload = await server.upload(form);
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

// -- start ------------------------------------------------------------------------------------
async function start() {
  state.options = await server.options();
  fillSelect($("dataset"), state.options.datasets, "circles");
  // Plain gradient descent is sgd with the batch size empty (all samples), not a separate name.
  fillSelect($("optimizer"), state.options.optimizers.filter((name) => name !== "gd"), "sgd");
  renderLayers(changed);
  readHash();
  window.addEventListener("popstate", () => { readHash(); build(); });
  $("copy-link").addEventListener("click", copyLink);
  for (const [id] of Object.entries(fieldChecks())) $(id).addEventListener("input", validate);
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
  for (const id of ["show-test", "discretize", "log-loss"]) $(id).addEventListener("change", drawOutput);
  $("regenerate").addEventListener("click", () => {
    const seed = Number($("seed").value);
    $("seed").value = String(Number.isInteger(seed) && seed >= 0 ? seed + 1 : 0);
    validate();
    build();
  });
  for (const id of ["noise", "n-samples", "test-fraction", "seed", "optimizer", "batch-size", "l2", "l1",
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
  $("train-n").addEventListener("click", () => play(Number($("n-epochs").value)));
  $("reset").addEventListener("click", reset);
  $("explain").addEventListener("click", explain);
  $("node-close").addEventListener("click", () => { state.selected = null; showNode(); });
  $("boundary").addEventListener("click", pickPoint);
  $("stage-prev").addEventListener("click", () => moveStage(-1));
  $("stage-next").addEventListener("click", () => moveStage(1));
  $("apply-step").addEventListener("click", applyStep);
  let width = window.innerWidth;
  window.addEventListener("resize", () => {
    if (window.innerWidth === width || !state.graph || !state.frame) return;
    width = window.innerWidth;
    makeGraph();
    applyFrame(state.frame);  // the same frame, laid out anew (its losses are already in)
  });
  // Close this page's session when it goes away (a reload, a closed tab), so reloads do not
  // pile up sessions; sendBeacon cannot DELETE, a keepalive fetch can. Back from the
  // back-forward cache, the page builds a fresh one.
  window.addEventListener("pagehide", () => {
    if (state.session) server.close(state.session, true);
  });
  window.addEventListener("pageshow", (event) => { if (event.persisted) build(); });
  build();
}

start().catch((error) => showError(error.message));
