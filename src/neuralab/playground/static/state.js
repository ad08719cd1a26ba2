// What the page knows: the options, the chosen layers, the session on screen and the run.
// One object, shared by the page's modules (and reachable as window.state for the browser
// tests and the console). The views (views.js) keep their own state; none imports this.

export const state = {
  options: null,
  layers: [{ units: 8, activation: "relu" }, { units: 8, activation: "relu" }],
  session: null,
  data: null,
  network: null,
  frame: null,  // the frame on screen
  loop: null,  // the running Play/Train loop (player.js)
  upload: null,
  invalid: [],  // what is wrong with the fields as typed (Play and Step wait while any is)
  historyReady: false,  // the first build replaces the history entry, later ones push
  queue: Promise.resolve(),  // the page's requests, one after another
};
