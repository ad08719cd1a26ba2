// The explain view: "Explain this step" for a chosen training point, walked on the graph layer
// by layer (forward, then backward from the output layer), its tables, and "Apply this step".
// Exports mountExplain(root, options). Fed frames like every view (see views.js): start(full),
// update(frame) (the weights moved elsewhere: the explained step is of old weights and goes),
// clear(); pick(index) explains the step of training point ``index``; setBusy(true) while a run
// trains. It asks ``options.source`` for steps: source.explain(sample) -> a step (the
// /explain answer) and source.apply(sample) -> { step, loss_before, loss_after, frame } (the
// /apply answer); api.js is one such source, a notebook kernel another. ``options.network``
// and ``options.plane`` are the mounted views it draws on; ``options.onFrame(frame)`` feeds
// the applied step's frame to every view; ``options.run(task)`` serialises its requests with
// the page's (default: run at once).
import { mount } from "./dom.js";
import { renderExplanation } from "./explain.js";
import { fmt, inputLabel, layerName } from "./format.js";

const HTML = `
  <div class="explain-controls">
    <label>Training sample <input data-part="sample" type="number" min="0" value="0"></label>
    <button data-part="explain" type="button">Explain this step</button>
    <button data-part="stage-prev" type="button" disabled>◀ Previous</button>
    <button data-part="stage-next" type="button" disabled>Next ▶</button>
    <button data-part="apply-step" type="button" disabled
      title="the optimizer's step on the mini-batch of this sample, as training takes it">Apply this step</button>
  </div>
  <p data-part="stage-note" class="hint" aria-live="polite"></p>
  <p data-part="apply-result" class="apply-result" aria-live="polite"></p>
  <div data-part="explanation" class="explanation"></div>`;

export function mountExplain(root, { ids = false, source, network, plane = null, onFrame = null,
                                     run = (task) => task() } = {}) {
  const parts = mount(root, HTML, { ids });
  const view = { parts, step: null, stage: 0 };
  let frame = null;
  let busy = false;
  let applying = false;

  function showStage() {
    const step = view.step;
    const layers = step ? step.layers.length : 0;
    parts["stage-prev"].disabled = !step || view.stage <= 0;
    parts["stage-next"].disabled = !step || view.stage >= 2 * layers - 1;
    parts["apply-step"].disabled = !step || busy;
    if (plane) plane.highlight(step ? step.sample : null, step ? step.batch.samples : null);
    if (!step || !network.graph) {
      network.clearStep();
      parts["stage-note"].textContent = "";
      return;
    }
    network.showStep(step, view.stage);
    const count = layers + 1;
    parts["stage-note"].textContent = view.stage < layers
      ? `Forward, ${layerName(view.stage + 1, count)}: z = x W + b and a = f(z) for sample ${step.sample} ` +
        `(its loss E = ${fmt(step.loss)}). Next ▶ goes on.`
      : `Backward, ${layerName(2 * layers - view.stage, count)}: dE/dz = dE/da × f'(z) on each node, ` +
        "dE/dw = x × dE/dz on each dashed line: the mean over the sample's mini-batch, which the step uses " +
        "(hover one for this sample's own chain rule beside it).";
  }

  function show(step, stage) {
    view.step = step;
    view.stage = stage;
    renderExplanation(parts.explanation, step);
    showStage();
  }

  function explain() {
    return run(async () => {
      if (!frame) return;
      show(await source.explain(parts.sample.value.trim()), 0);
      parts["apply-result"].textContent = "";
    });
  }

  function move(delta) {
    if (!view.step) return;
    view.stage = Math.max(0, Math.min(2 * view.step.layers.length - 1, view.stage + delta));
    showStage();
  }

  // The weight that moved most between ``before`` and ``after`` (per layer, in x out), in words.
  function largestMove(before, after, features) {
    let best = null;
    after.forEach((matrix, l) => matrix.forEach((row, i) => row.forEach((w, j) => {
      const change = Math.abs(w - before[l][i][j]);
      if (!best || change > best.change) best = { change, l, i, j, from: before[l][i][j], to: w };
    })));
    if (!best) return "";
    const count = after.length + 1;
    const source = best.l === 0 ? inputLabel(features[best.i]) : `${layerName(best.l, count)} unit ${best.i + 1}`;
    return ` The weight that moved most, ${source} → ${layerName(best.l + 1, count)} unit ${best.j + 1}: ` +
      `${fmt(best.from)} → ${fmt(best.to)}.`;
  }

  function apply() {
    return run(async () => {
      if (!view.step || !frame) return;
      const sample = view.step.sample;
      const before = frame.weights;
      const stage = view.stage;
      applying = true;
      let answer;
      try {
        answer = await source.apply(sample);
        if (onFrame) onFrame(answer.frame); else view.update(answer.frame);
      } finally {
        applying = false;
      }
      const result = parts["apply-result"];
      const step = answer.step;
      const rule = step.optimizer === "sgd" ? `W ← W − ${step.learning_rate} × dE/dW` : `the ${step.optimizer} step`;
      result.textContent = `Applied ${rule} on the mini-batch of sample ${sample} (${step.batch.size} samples): ` +
        `the batch's loss E went from ${fmt(answer.batch_loss_before)} to ${fmt(answer.batch_loss_after)}, ` +
        `sample ${sample}'s own from ${fmt(answer.loss_before)} to ${fmt(answer.loss_after)}.` +
        largestMove(before, answer.frame.weights, step.features);
      result.dataset.before = String(answer.batch_loss_before);
      result.dataset.after = String(answer.batch_loss_after);
      show(await source.explain(sample), stage);  // the step of the new weights, at the same stage
    });
  }

  parts.explain.addEventListener("click", explain);
  parts["stage-prev"].addEventListener("click", () => move(-1));
  parts["stage-next"].addEventListener("click", () => move(1));
  parts["apply-step"].addEventListener("click", apply);

  Object.assign(view, {
    explain,
    apply,
    start(full) {
      parts.sample.max = String(full.data.train.length - 1);
      view.clear();
      view.update(full);
    },
    update(next) {
      frame = next;
      parts.explain.disabled = Boolean(frame.not_trainable);
      if (!applying && view.step) {  // the weights moved on: the explained step was of the old ones
        view.step = null;
        showStage();
      }
    },
    pick(index) {
      parts.sample.value = String(index);
      return explain();
    },
    setBusy(value) {
      busy = value;
      parts["apply-step"].disabled = !view.step || busy;
    },
    clear() {
      frame = null;
      view.step = null;
      parts.explain.disabled = true;
      parts.explanation.replaceChildren();
      parts["apply-result"].textContent = "";
      showStage();
    },
  });
  return view;
}
