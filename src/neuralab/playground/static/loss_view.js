// The loss view: training and test loss per epoch (a chart with a log-scale toggle) and the
// latest values. Exports mountLoss(root, options). Fed frames like every view (see views.js):
// start(full) forgets the old curves, update(frame) appends the frame's ``losses`` (from
// ``losses.start``, so a frame may carry one epoch or many), clear() when nothing is built.
import { TEST_COLOUR, TRAIN_COLOUR, clearCanvas, drawLosses } from "./charts.js";
import { mount } from "./dom.js";

const HTML = `
  <figure>
    <canvas data-part="loss-chart" width="360" height="170" aria-label="loss curves"></canvas>
    <figcaption data-part="loss-readout" data-train="" data-test="">Loss</figcaption>
    <label class="inline"><input data-part="log-loss" type="checkbox"> Log scale</label>
  </figure>`;

export function mountLoss(root, { ids = false } = {}) {
  const parts = mount(root, HTML, { ids });
  const train = [];
  const test = [];

  function draw() {
    drawLosses(parts["loss-chart"], train, test, { log: parts["log-loss"].checked });
  }

  function readout() {
    const last = (series) => (series.length ? series[series.length - 1] : null);
    const fmt = (v) => (v === null ? "not finite" : v.toPrecision(4));
    const box = parts["loss-readout"];
    box.dataset.train = last(train) === null ? "" : String(last(train));
    box.dataset.test = last(test) === null ? "" : String(last(test));
    box.replaceChildren();
    for (const [colour, text] of [[TRAIN_COLOUR, `training loss ${fmt(last(train))}`],
                                  [TEST_COLOUR, `test loss ${fmt(last(test))}`]]) {
      const span = document.createElement("span");
      span.style.color = colour;
      span.style.marginRight = "1rem";
      span.textContent = `■ ${text}`;
      box.append(span);
    }
  }

  parts["log-loss"].addEventListener("change", draw);

  return {
    parts,
    train,
    test,
    start(full) {
      train.length = 0;
      test.length = 0;
      this.update(full);
    },
    update(frame) {
      const { start, train: newTrain, test: newTest } = frame.losses;
      train.length = Math.min(train.length, start);
      test.length = Math.min(test.length, start);
      train.push(...newTrain);
      test.push(...newTest);
      draw();
      readout();
    },
    clear() {
      train.length = 0;
      test.length = 0;
      clearCanvas(parts["loss-chart"]);
      parts["loss-readout"].replaceChildren("Loss");
      parts["loss-readout"].dataset.train = "";
      parts["loss-readout"].dataset.test = "";
    },
  };
}
