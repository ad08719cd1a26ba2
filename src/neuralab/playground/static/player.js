// Play and "Train N epochs" as a loop with backpressure, whatever carries the frames: exports
// startLoop and endNote. It asks ``train(epochs)`` for one chunk of epochs, shows the frame, and asks for
// the next chunk on the next animation frame, so the picture is never more than one chunk
// behind the weights and Pause, Step and a learning-rate change act on what is on screen.
// Chunks are sized so the loop runs about TARGET_EPOCHS_PER_SECOND whatever a request and a
// drawing take here (one frame per chunk, drawn from its last epoch's weights).

const TARGET_EPOCHS_PER_SECOND = 75;
const MAX_EPOCHS_PER_CHUNK = 25;

// The next chunk's epochs, from the last one: ``epochs`` took ``trainSeconds`` on the server and
// ``totalSeconds`` in all (request, frame, drawing, the wait for the next animation frame). With
// e = seconds per epoch and o = seconds per frame, k epochs per chunk run k / (o + k e) epochs/s:
// the smallest k reaching the target, but a frame at least every ~0.15 s while that allows k >= 1.
export function nextChunk(epochs, trainSeconds, totalSeconds) {
  const perEpoch = Math.max(trainSeconds / epochs, 1e-4);
  const overhead = Math.max(totalSeconds - trainSeconds, 1e-3);
  const target = TARGET_EPOCHS_PER_SECOND;
  const reach = target * perEpoch < 0.95 ? Math.ceil((target * overhead) / (1 - target * perEpoch)) : MAX_EPOCHS_PER_CHUNK;
  const smooth = Math.max(1, Math.floor((0.15 - overhead) / perEpoch));
  return Math.max(1, Math.min(MAX_EPOCHS_PER_CHUNK, reach, smooth));
}

// Train ``total`` epochs (Infinity: until loop.stop is set) from ``epoch``. ``train(epochs)``: a promise of the
// frame after them; ``alive()``: whether the session is still the one on screen; ``show(frame)``
// draws it; ``run(task)`` serialises with the page's other requests; ``done(loop, note)`` when
// it ends (``note``: why it stopped early, or nothing). Returns the loop: { remaining, epoch (on
// screen), stop, trained, chunk, inFlight (the epochs being asked for now) }.
export function startLoop({ total, epoch, train, alive, show, run, done }) {
  const loop = { remaining: total, epoch, stop: false, trained: 0, chunk: 1, inFlight: 0 };
  const next = () => run(async () => {
    if (loop.ended) return;
    if (loop.stop || loop.remaining <= 0 || !alive()) { end(); return; }
    const epochs = Math.min(loop.chunk, loop.remaining);
    const started = performance.now();
    loop.inFlight = epochs;
    let frame;
    try {
      frame = await train(epochs);
    } catch (error) {
      end(`Stopped at epoch ${loop.epoch}: ${error.message}`);
      throw error;
    }
    if (!alive()) { end(); return; }
    show(frame);
    loop.epoch = frame.epoch;
    loop.inFlight = 0;
    loop.remaining -= epochs;
    loop.trained += epochs;
    loop.chunk = nextChunk(epochs, frame.train_seconds || 0, (performance.now() - started) / 1000 + 1 / 60);
    document.body.dataset.chunk = String(loop.chunk);
    if (frame.divergence && !frame.can_train) {
      end(`Stopped at epoch ${frame.epoch}: the training diverged (see the message on the right).`);
    } else if (loop.stop || loop.remaining <= 0) {
      end();
    } else {
      requestAnimationFrame(next);
    }
  });
  const end = (note) => {
    if (loop.ended) return;
    loop.ended = true;
    done(loop, note);
  };
  loop.end = end;
  requestAnimationFrame(next);
  return loop;
}

// What the run note says when a loop ended at ``epoch`` (null: nothing on screen).
export function endNote(loop, epoch, note) {
  if (note) return note;
  if (epoch === null) return "";
  if (loop.stop) return `Paused at epoch ${epoch}.`;
  return `Trained ${loop.trained} epoch${loop.trained === 1 ? "" : "s"}; now at epoch ${epoch}.`;
}
