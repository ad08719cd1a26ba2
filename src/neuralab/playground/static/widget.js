// The notebook widget's front end (anywidget; the kernel side is neuralab.notebook.Playground):
// the playground's own views (views.js: network graph, plane, loss, gradient flow, explain a
// step) and its Play loop (player.js) in a notebook cell, fed by the kernel through the
// widget's model (kernel.js). Exports the anywidget module { render }.
//
// The model's trait "_frame" holds the full frame Python last set (at the start, and after
// Python trains or resets); the buttons ask the kernel (train, reset, set_learning_rate) and
// draw its answers, the same frames the page gets over HTTP.
import { mount } from "./dom.js";
import { connect } from "./kernel.js";
import { setMessage, showFrameMessages } from "./messages.js";
import { startLoop } from "./player.js";
import { mountViews } from "./views.js";

const HTML = `
  <div class="buttons">
    <button data-part="play" type="button" class="primary">Play</button>
    <button data-part="step" type="button">Step 1 epoch</button>
    <span class="train-n"><button data-part="train-n" type="button">Train</button>
      <input data-part="n-epochs" type="number" min="1" max="1000" value="20" aria-label="epochs"> epochs</span>
    <button data-part="reset" type="button">Reset weights</button>
    <label class="inline">Learning rate
      <input data-part="learning-rate" type="number" min="0" step="any" aria-label="learning rate"></label>
    <span class="status"><span data-part="epoch" class="epoch" data-epoch="0">Epoch 0</span>
      <span data-part="summary" class="summary"></span></span>
  </div>
  <p data-part="run-note" class="hint run-note" aria-live="polite"></p>
  <div data-part="error" class="message error" role="alert" hidden></div>
  <div data-part="divergence" class="message danger" hidden></div>
  <div data-part="not-trainable" class="message danger" hidden></div>
  <div data-part="gradient-warning" class="message warn" hidden></div>
  <div class="widget-grid">
    <section class="panel">
      <h2>Network <small>hover a line: its weight and dE/dw; click a node: its picture large</small></h2>
      <div data-part="network-graph"></div>
    </section>
    <section class="panel output">
      <h2>Output</h2>
      <div data-part="plane-view"></div>
      <div data-part="loss-view"></div>
      <h2>Gradient flow <small>‖dE/dW‖ per layer, log scale</small></h2>
      <div data-part="gradient-view"></div>
    </section>
    <section class="panel wide">
      <h2>Explain a step <small>click a training point on the plane, or pick one</small></h2>
      <div data-part="explain-view"></div>
    </section>
  </div>`;

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "neuralab-playground";
  el.append(root);
  const parts = mount(root, HTML);
  const kernel = connect(model);
  let queue = Promise.resolve();
  let frame = null;
  let loop = null;
  const find = (name) => parts[name];

  const fail = (error) => setMessage("error", error.message, "The kernel answered", find);
  const run = (task) => {
    queue = queue.then(task).catch(fail);
    return queue;
  };
  const views = mountViews(
    { network: parts["network-graph"], plane: parts["plane-view"], loss: parts["loss-view"],
      gradients: parts["gradient-view"], explain: parts["explain-view"] },
    { source: kernel.source, run, onFrame: show },
  );

  // A new network, data set or reset: every view starts over.
  function start(full) {
    frame = full;
    const net = full.network;
    parts.summary.textContent = `${full.data.name}: ${net.sizes.join("-")} network, ${net.parameters} ` +
      `parameters, ${net.loss.replaceAll("_", " ")} loss`;
    parts["learning-rate"].value = String(full.learning_rate);
    views.start(full);
    showFrame();
  }

  function show(next) {
    frame = next;
    views.update(next);
    showFrame();
  }

  function showFrame() {
    showFrameMessages(frame, find);  // the epoch and the frame's messages, as on the page
    root.dataset.epoch = String(frame.epoch);
    updateControls();
  }

  function updateControls() {
    const canTrain = Boolean(frame && frame.can_train);
    parts.play.disabled = loop ? loop.stop : !canTrain;
    parts.play.textContent = loop ? (loop.stop ? "Pausing…" : "Pause") : "Play";
    parts.step.disabled = !canTrain || Boolean(loop);
    parts["train-n"].disabled = !canTrain || Boolean(loop);
    parts.reset.disabled = !frame;
    root.dataset.busy = loop ? "1" : "0";
    views.explain.setBusy(Boolean(loop));
  }

  function note(text) {
    parts["run-note"].textContent = text;
  }

  // Train ``total`` epochs (Infinity: until Pause), a chunk per request (player.js).
  function play(total) {
    if (loop || !frame || !frame.can_train) return;
    setMessage("error", null, "", find);
    note("");
    loop = startLoop({
      total, epoch: frame.epoch, train: (epochs) => kernel.ask("train", { epochs }),
      alive: () => true, show, run, done: (ended, why) => {
        if (loop !== ended) return;
        loop = null;
        if (why) note(why);
        else if (ended.stop) note(`Paused at epoch ${frame.epoch}.`);
        else note(`Trained ${ended.trained} epoch${ended.trained === 1 ? "" : "s"}; now at epoch ${frame.epoch}.`);
        updateControls();
      },
    });
    updateControls();
  }

  function stopPlay() {
    if (!loop) return;
    loop.stop = true;
    updateControls();
  }

  function step() {
    stopPlay();
    run(async () => {
      show(await kernel.ask("train", { epochs: 1 }));
      note(frame.divergence && !frame.can_train
        ? `Stopped at epoch ${frame.epoch}: the training diverged (see the message above).`
        : `Stepped to epoch ${frame.epoch}.`);
    });
  }

  function reset() {
    stopPlay();
    run(async () => {
      note("");
      setMessage("error", null, "", find);
      start(await kernel.ask("reset"));
    });
  }

  function changeLearningRate() {
    const value = Number(parts["learning-rate"].value);
    run(async () => {
      show(await kernel.ask("set_learning_rate", { learning_rate: value }));
      setMessage("error", null, "", find);
      note(`Learning rate ${frame.learning_rate} from epoch ${frame.epoch + 1} on.`);
    });
  }

  // Python changed the session (Playground.train, reset, ...): its full frame replaces the view.
  function changed() {
    if (loop) loop.stop = true;
    run(async () => {
      setMessage("error", null, "", find);  // an old answer's error is not about this state
      note("");
      start(model.get("_frame"));
    });
  }

  parts.play.addEventListener("click", () => (loop ? stopPlay() : play(Infinity)));
  parts.step.addEventListener("click", step);
  parts["train-n"].addEventListener("click", () => play(Number(parts["n-epochs"].value)));
  parts.reset.addEventListener("click", reset);
  parts["learning-rate"].addEventListener("change", changeLearningRate);
  model.on("change:_frame", changed);
  start(model.get("_frame"));

  return () => {  // the view goes away: no more requests, no more listening
    if (loop) loop.stop = true;
    model.off("change:_frame", changed);
    kernel.close();
  };
}

export default { render };
