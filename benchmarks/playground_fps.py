"""Frames per second of the playground for a 2-8-8-1 network on 500 points (not a test).

A frame is one epoch of training on the real engine (batch size 10, so 35 steps on the
350 training points) plus everything the page draws: the loss of the training and test
sets, per-layer gradient norms (GradientMonitor), the 50 x 50 decision-boundary map and
the 20 x 20 output map of each hidden neuron, serialised as JSON.

    python -m benchmarks.playground_fps [--frames 200]

Prints two rates: the session alone (train + frame + JSON) and through the server's
server-sent-event stream (Starlette's TestClient, no network). The goal is >= 10 frames/s
on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings


def session_fps(frames: int) -> float:
    from neuralab.playground import SessionStore

    session = SessionStore().create({"dataset": "circles", "n_samples": 500, "seed": 0,
                                     "hidden": [{"units": 8, "activation": "relu"}] * 2})
    start = time.perf_counter()
    for _ in range(frames):
        before = session.train(1)
        json.dumps(session.frame(since=before + 1), allow_nan=False)
    return frames / (time.perf_counter() - start)


def stream_fps(frames: int) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from neuralab.playground.app import create_app

    client = TestClient(create_app())
    session = client.post("/api/sessions", json={"dataset": "circles", "n_samples": 500}).json()["session"]
    start = time.perf_counter()
    count = 0
    with client.stream("GET", f"/api/sessions/{session}/stream?epochs={frames}") as response:
        for line in response.iter_lines():
            count += line.startswith("event: frame")
    elapsed = time.perf_counter() - start
    if count != frames:
        raise RuntimeError(f"expected {frames} frames, got {count}")
    return frames / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    frames = parser.parse_args().frames
    print(f"2-8-8-1 relu network, circles, 500 points (350 train), batch 10, {frames} frames")
    print(f"session (train 1 epoch + frame + JSON): {session_fps(frames):7.1f} frames/s")
    print(f"server-sent events via the ASGI app:    {stream_fps(frames):7.1f} frames/s")


if __name__ == "__main__":
    main()
