// Play and "Train N epochs" as a loop with backpressure, whatever carries the frames: exports
// startLoop and endNote. It asks ``train(epochs)`` for a chunk of epochs, each with its own
// frame (drawn on the server from that epoch's weights), and draws them one per animation
// frame, asking for the next chunk while it draws this one. The server is never more than
// MAX_AHEAD epochs ahead of the screen; Pause asks for nothing more, draws what has come and
// stops there, so the epoch on screen is the server's. When drawing is slower than 60 frames a
// second (a deep network, a busy machine), one frame is drawn in place of several, so training
// still runs about 60 epochs a second: each frame drawn is still the weights of the epoch it
// names, and the loss chart gets every epoch's loss.

const MAX_AHEAD = 25;  // epochs trained (or being trained) and not yet on screen, at most
const FRAMES_PER_SECOND = 60;

// Several frames as one: the last one's pictures and weights, every one's losses.
function merged(frames) {
  const last = frames[frames.length - 1];
  if (frames.length === 1) return last;
  const train = frames.flatMap((f) => f.losses.train);
  const test = frames.flatMap((f) => f.losses.test);
  return { ...last, losses: { start: frames[0].losses.start, train, test } };
}

// Train ``total`` epochs (Infinity: until loop.stop is set) from ``epoch``. ``train(epochs)``: a
// promise of { frames: [one per epoch] } (or of one frame for the whole chunk); ``alive()``: whether the session is still the one on
// screen; ``show(frame)`` draws one; ``run(task)`` serialises with the page's other requests;
// ``done(loop, note)`` when it ends (``note``: why it stopped early, or nothing). Returns the
// loop: { remaining (epochs not yet asked for), epoch (on screen), stop, trained (epochs drawn),
// chunk, inFlight (epochs the server is ahead of the screen, asked for or waiting to be drawn),
// drawn (frames drawn) }.
export function startLoop({ total, epoch, train, alive, show, run, done }) {
  const loop = { remaining: total, epoch, stop: false, trained: 0, chunk: 2, inFlight: 0, drawn: 0,
                 queue: [], asked: 0, note: null };
  const ahead = () => loop.queue.length + loop.asked;

  function ask() {
    if (loop.asked || loop.stop || loop.note || loop.remaining <= 0) return;
    const epochs = Math.min(loop.chunk, loop.remaining, MAX_AHEAD - loop.queue.length);
    if (epochs < 1) return;
    loop.asked = epochs;
    loop.remaining -= epochs;
    loop.inFlight = ahead();
    const started = performance.now();
    run(async () => {
      let answer;
      try {
        if (loop.ended || !alive()) return;
        answer = await train(epochs);
      } catch (error) {
        loop.note = `Stopped at epoch ${loop.epoch}: ${error.message}`;
        throw error;
      } finally {
        loop.asked = 0;
      }
      if (loop.ended || !alive()) return;
      const frames = answer.frames || [answer];  // a transport that answers one frame per chunk
      loop.queue.push(...frames);
      const last = frames[frames.length - 1];
      if (last.divergence && !last.can_train) {
        loop.remaining = 0;
        loop.diverged = `Stopped at epoch ${last.epoch}: the training diverged (see the message on the right).`;
      }
      // Ask for as many epochs as are drawn while one request takes (and a half more).
      const seconds = (performance.now() - started) / 1000;
      loop.chunk = Math.max(1, Math.min(MAX_AHEAD, Math.ceil(1.5 * seconds * FRAMES_PER_SECOND)));
      document.body.dataset.chunk = String(loop.chunk);
    });
  }

  function tick() {
    if (loop.ended) return;
    if (!alive()) { end(); return; }
    if (loop.queue.length) {
      // One epoch per 1/60 s since the last drawing: when drawing is slower than that, or the
      // queue is behind by more than a chunk, the newest of the oldest few is drawn (no epoch's
      // loss is lost).
      const now = performance.now();
      const due = loop.last ? Math.round(((now - loop.last) * FRAMES_PER_SECOND) / 1000) : 1;
      const take = Math.min(loop.queue.length, Math.max(1, due, loop.queue.length - Math.max(loop.chunk, 2)));
      loop.last = now;
      const frame = merged(loop.queue.splice(0, take));
      show(frame);
      loop.trained += frame.epoch - loop.epoch;
      loop.epoch = frame.epoch;
      loop.drawn += 1;
    }
    if (loop.queue.length <= loop.chunk) ask();
    loop.inFlight = ahead();
    if (loop.note) { end(loop.note); return; }
    if (!loop.queue.length && !loop.asked && (loop.stop || loop.remaining <= 0)) {
      end(loop.diverged);
      return;
    }
    requestAnimationFrame(tick);
  }

  const end = (note) => {
    if (loop.ended) return;
    loop.ended = true;
    loop.inFlight = 0;
    done(loop, note);
  };
  loop.end = end;
  requestAnimationFrame(tick);
  return loop;
}

// What the run note says when a loop ended at ``epoch`` (null: nothing on screen).
export function endNote(loop, epoch, note) {
  if (note) return note;
  if (epoch === null) return "";
  if (loop.stop) return `Paused at epoch ${epoch}.`;
  return `Trained ${loop.trained} epoch${loop.trained === 1 ? "" : "s"}; now at epoch ${epoch}.`;
}
