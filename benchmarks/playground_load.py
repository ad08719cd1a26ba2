"""A bounded load on the playground server over loopback (not a test): fair sessions.

Starts the server (uvicorn on 127.0.0.1, its lifespan on, a store of ``--limit`` sessions),
then ``--learners`` threads each build a session and train it ``--requests`` times (one epoch
per request, a short pause between, as Play does), while another thread sends ``--bad``
malformed requests. Prints what each learner got. What must hold: no learner loses a session
mid-training (404), every refusal is a 429 with Retry-After and a message, no answer is a 500.

    python -m benchmarks.playground_load [--learners 50] [--limit 8] [--requests 15] [--bad 200]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path


def _request(url: str, method: str = "GET", body: object = None, raw: bytes | None = None):
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            headers = {key.lower(): value for key, value in answer.headers.items()}
            return answer.status, headers, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, json.loads(error.read() or b"{}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--bad", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from playground_pages import WatchedStore, serve

    outcomes: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    lock = threading.Lock()

    def learner(url: str, index: int) -> None:
        status, headers, body = _request(f"{url}/api/sessions", "POST", {"n_samples": 200, "seed": index})
        with lock:
            statuses[status] += 1
        if status == 429:
            ok = "retry-after" in headers and "in use" in body.get("error", "")
            with lock:
                outcomes["refused with 429 + Retry-After" if ok else "refused without Retry-After"] += 1
            return
        session = body["session"]
        for _ in range(args.requests):
            status, _, body = _request(f"{url}/api/sessions/{session}/train", "POST", {"epochs": 1})
            with lock:
                statuses[status] += 1
            if status != 200:
                with lock:
                    outcomes[f"lost its session mid-training ({status})"] += 1
                    problems.append(body.get("error", ""))
                return
            time.sleep(0.05)
        with lock:
            outcomes["trained to the end"] += 1

    def vandal(url: str) -> None:
        bodies = [b"{", b"[]", b'{"epochs": -1}', b'{"hidden": "x"}', b"\xff\xfe", b'{"dataset": 3}']
        for index in range(args.bad):
            status, _, _ = _request(f"{url}/api/sessions", "POST", raw=bodies[index % len(bodies)])
            with lock:
                statuses[status] += 1

    start = time.perf_counter()
    with serve(WatchedStore(max_sessions=args.limit), lifespan="on") as url:
        threads = [threading.Thread(target=learner, args=(url, i)) for i in range(args.learners)]
        threads.append(threading.Thread(target=vandal, args=(url,)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
    elapsed = time.perf_counter() - start
    print(
        f"{args.learners} learners, a store of {args.limit} sessions, {args.requests} train requests each, "
        f"{args.bad} malformed requests, {elapsed:.1f} s"
    )
    for outcome, count in sorted(outcomes.items()):
        print(f"  {count:4d}  {outcome}")
    print("  answers by status: " + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items())))
    if problems or statuses[500]:
        print("  PROBLEM: " + "; ".join(sorted(set(problems))[:3]))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
