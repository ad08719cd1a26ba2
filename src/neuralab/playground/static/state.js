// What the page knows: the options, the chosen layers, the session on screen and its curves.
// One object, shared by the modules of this page (and reachable as window.state for the browser
// tests and the console).

export const state = {
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
  graph: null,  // the network graph on screen (graph.js)
  selected: null,  // the node whose picture is shown large: { layer, unit }
  hover: null,  // the weight line under the mouse
  invalid: [],  // what is wrong with the fields as typed (Play and Step wait while any is)
  historyReady: false,
  step: null,  // the explained step (/explain) shown on the graph, and its stage
  stage: 0,  // the first build replaces the history entry, later ones push
  queue: Promise.resolve(),
};

// Append a frame's loss curves (``losses.start`` is the epoch of their first value).
export function addLosses(frame) {
  const { start, train, test } = frame.losses;
  state.train.length = Math.min(state.train.length, start);
  state.test.length = Math.min(state.test.length, start);
  state.train.push(...train);
  state.test.push(...test);
}
