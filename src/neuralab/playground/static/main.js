// neuralab playground: the page's wiring (an ES module, no library). The server trains (api.js,
// the HTTP transport); the views (views.js) draw its frames; this module connects the fields
// and buttons to both: building a session, Play/Step/Train, the learning rate, Reset, uploads.
// Exports nothing.
import { client } from "./api.js";
import { $, addLayer, fillSelect, fillUploadFeatures, fillYFeature, nextSeed, numberOrText, readConfig, renderLayers,
         showSliders, uploadCsv } from "./controls.js";
import { copyLink, readHash, writeHash } from "./link.js";
import { setMessage, setRunNote, showError, showFrameMessages, showNotBuilt, showSummary } from "./messages.js";
import { endNote, startLoop } from "./player.js";
import { state } from "./state.js";
import { fieldChecks, validate } from "./validation.js";
import { mountViews } from "./views.js";

const server = client();
const views = mountViews(
  { network: $("network-graph"), plane: $("plane-view"), loss: $("loss-view"), gradients: $("gradient-view"),
    explain: $("explain-view") },
  { ids: true, run: enqueue, onFrame: show,
    source: { explain: (sample) => server.explain(state.session, sample),
              apply: (sample) => server.applyStep(state.session, sample) } },
);
Object.defineProperty(state, "step", { get: () => views.explain.step });  // for the browser tests
window.state = state;  // for the browser tests and the console

function enqueue(task) {
  state.queue = state.queue.then(task).catch((error) => fail(error));
  return state.queue;
}

function fail(error) {
  showError(error.message, error.fix, (fix) => {
    $("batch-size").value = String(fix.batch_size);
    build();
  });
}

function changed() {
  renderLayers(changed);
  build();
}

function check() {
  state.invalid = validate(state.options.limits);
  updateControls();
}

// -- sessions -------------------------------------------------------------------------------
function build() {
  stopPlay();
  return enqueue(async () => {
    // The old session goes first (a new build replaces it in any case): when the server is full,
    // its place is this page's to take again.
    const old = state.session;
    state.session = null;
    if (old) await server.remove(old);
    let frame;
    try {
      frame = await server.create(readConfig());
    } catch (error) {
      notBuilt(error.message);
      fail(error);
      document.body.dataset.failed = String(Number(document.body.dataset.failed || 0) + 1);
      return;
    }
    state.session = frame.session;
    showError("");
    setMessage("not-built", null);
    document.body.dataset.built = "1";
    setRunNote("");
    show(frame, true);
    writeHash();
    document.body.dataset.builds = String(Number(document.body.dataset.builds) + 1);
  });
}

// No network on screen: the last build failed (or no CSV is chosen). Nothing can be trained
// until a build succeeds, so the old data set and network leave the view.
function notBuilt(reason) {
  stopPlay();
  const old = state.session;
  state.session = null;
  state.frame = null;
  if (old) server.close(old);
  document.body.dataset.built = "0";
  showNotBuilt(reason);
  views.clear();
  updateControls();
}

// A frame on screen. ``full``: a new network or data set (a build or a reset), every view starts over.
function show(frame, full = false) {
  state.frame = frame;
  if (full) {
    state.data = frame.data;
    state.network = frame.network;
    showSummary(frame.network);
    views.start(frame);
  } else {
    views.update(frame);
  }
  showFrameMessages(frame);
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
  views.explain.setBusy(Boolean(loop));
}

// -- training controls ----------------------------------------------------------------------
// Train ``total`` epochs (Infinity: until Pause), every epoch's frame drawn (player.js).
function play(total) {
  if (state.loop || !state.session || !state.frame || !state.frame.can_train) return;
  const session = state.session;
  document.body.dataset.busy = "1";
  setRunNote("");
  state.loop = startLoop({
    total, epoch: state.frame.epoch, train: (epochs) => server.trainFrames(session, epochs),
    alive: () => state.session === session, show, run: enqueue, done: endLoop,
  });
  updateControls();
}

function endLoop(loop, note) {
  if (state.loop !== loop) return;
  state.loop = null;
  document.body.dataset.busy = "0";
  setRunNote(endNote(loop, state.frame ? state.frame.epoch : null, note));
  updateControls();
}

// Pause: no new chunk is asked for; what has come is drawn, then the loop ends there.
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
    show(frame);
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
      show(await server.setLearningRate(state.session, numberOrText($("learning-rate").value)));
      writeHash();
      views.explain.parts.explanation.replaceChildren();  // it showed a step at the old rate
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
    show(await server.reset(state.session), true);
  });
}

// -- uploads ----------------------------------------------------------------------------------
// A failed upload keeps its own error on screen and builds nothing.
function uploadFile() {
  const file = $("upload").files[0];
  if (!file) return;
  stopPlay();
  enqueue(async () => {
    try {
      await uploadCsv(server, file);
    } catch (error) {
      notBuilt(`The upload of ${file.name} failed.`);
      fail(error);
      return;
    }
    showError("");
    build();
  });
}

// -- start ------------------------------------------------------------------------------------
function chooseDataset() {
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
}

const on = (id, event, handler) => $(id).addEventListener(event, handler);

async function start() {
  state.options = await server.options();
  fillSelect($("dataset"), state.options.datasets, "circles");
  // Plain gradient descent is sgd with the batch size empty (all samples), not a separate name.
  fillSelect($("optimizer"), state.options.optimizers.filter((name) => name !== "gd"), "sgd");
  renderLayers(changed);
  readHash({ build, changed });
  check();
  window.addEventListener("popstate", () => { readHash({ build, changed }); check(); build(); });
  on("copy-link", "click", copyLink);
  for (const id of Object.keys(fieldChecks(state.options.limits))) on(id, "input", check);
  on("add-layer", "click", () => { addLayer(); changed(); });
  on("dataset", "change", chooseDataset);
  for (const id of ["noise", "test-fraction"]) on(id, "input", showSliders);
  on("learning-rate", "change", changeLearningRate);
  on("regenerate", "click", () => { nextSeed(); check(); build(); });
  for (const id of ["noise", "n-samples", "test-fraction", "seed", "optimizer", "batch-size", "l2", "l1",
                    "y-feature"]) {
    on(id, "change", build);
  }
  on("x-feature", "change", () => { fillYFeature(); build(); });
  on("target", "change", () => { fillUploadFeatures(); build(); });
  on("upload", "change", uploadFile);
  on("play", "click", () => { if (state.loop) stopPlay(); else play(Infinity); });
  on("step", "click", () => trainSteps(1));
  on("train-n", "click", () => play(Number($("n-epochs").value)));
  on("reset", "click", reset);
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
