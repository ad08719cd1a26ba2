// The playground's session API over a notebook widget's model (anywidget): the kernel-side
// neuralab.notebook.Playground answers each request with the same dict as the HTTP API (api.js).
// Exports connect(model) -> { ask(action, body), source, close() }.
//
// A request goes out with model.send({ id, action, body }); the kernel sends back { id, answer }
// or { id, error, fix }. Every view of one model hears every answer, so ids carry a token of
// their own view.

export function connect(model) {
  const token = Math.random().toString(36).slice(2);
  const waiting = new Map();
  let count = 0;

  function listen(message) {
    const entry = message ? waiting.get(message.id) : undefined;
    if (!entry) return;  // another view's answer
    waiting.delete(message.id);
    if (message.error !== undefined) {
      const error = new Error(message.error);
      error.fix = message.fix || null;  // settings that would work, as the HTTP API's
      entry.reject(error);
    } else {
      entry.resolve(message.answer);
    }
  }
  model.on("msg:custom", listen);

  // ``action``: show, train, set_learning_rate, reset, explain, apply_step (the kernel's names).
  function ask(action, body = {}) {
    return new Promise((resolve, reject) => {
      count += 1;
      const id = `${token}:${count}`;
      waiting.set(id, { resolve, reject });
      model.send({ id, action, body });
    });
  }

  // A sample typed in a field is text; a whole number goes as one (anything else as typed, so
  // the kernel names what is wrong).
  const index = (sample) => (/^\s*-?\d+\s*$/.test(String(sample)) ? Number(sample) : sample);
  return {
    ask,
    // What the explain view asks for (views.js): the step of a sample, and taking it.
    source: {
      explain: (sample) => ask("explain", { sample: index(sample) }),
      apply: (sample) => ask("apply_step", { sample: index(sample) }),
    },
    close() {
      model.off("msg:custom", listen);
      for (const entry of waiting.values()) entry.reject(new Error("The widget was closed."));
      waiting.clear();
    },
  };
}
