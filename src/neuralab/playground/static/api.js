// The playground's HTTP API, for any front end (this page, a notebook widget): JSON in and out,
// errors thrown as Error with the server's message, its status and the settings that would work.

// One request. ``body``: a JSON-able value or FormData (an upload). Resolves to the answer's JSON.
export async function api(method, path, body, base = "") {
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(base + path, init);
  const payload = await response.json();
  if (!response.ok) {
    const error = new Error(payload.error || `The server answered ${response.status}.`);
    error.fix = payload.fix || null;  // settings that would work, e.g. {batch_size: 8}
    error.status = response.status;
    error.retryAfter = Number(response.headers.get("Retry-After")) || null;
    throw error;
  }
  return payload;
}

// The endpoints by name (``base``: where the server is, "" for the page's own origin).
export function client(base = "") {
  const call = (method, path, body) => api(method, path, body, base);
  return {
    options: () => call("GET", "/api/options"),
    create: (config) => call("POST", "/api/sessions", config),
    show: (id) => call("GET", `/api/sessions/${id}`),
    train: (id, epochs) => call("POST", `/api/sessions/${id}/train`, { epochs }),
    // Every epoch's own frame: { frames: [...], train_seconds } (Play draws them one by one).
    trainFrames: (id, epochs) => call("POST", `/api/sessions/${id}/train`, { epochs, frames: true }),
    reset: (id) => call("POST", `/api/sessions/${id}/reset`),
    setLearningRate: (id, learningRate) => call("PATCH", `/api/sessions/${id}`, { learning_rate: learningRate }),
    explain: (id, sample) => call("GET", `/api/sessions/${id}/explain?sample=${encodeURIComponent(sample)}`),
    applyStep: (id, sample) => call("POST", `/api/sessions/${id}/apply`, { sample }),
    upload: (form) => call("POST", "/api/uploads", form),
    // Close and wait for the answer (a session already gone is no error).
    remove: (id) => call("DELETE", `/api/sessions/${id}`).catch(() => null),
    // Closing never fails loudly: the page may be going away (keepalive lets it finish).
    close: (id, keepalive = false) => {
      fetch(`${base}/api/sessions/${id}`, { method: "DELETE", keepalive }).catch(() => {});
    },
  };
}
