"""A worker interpreter for one implementation: ``python -m benchmarks.worker NAME``.

Reads one JSON request per line on stdin and writes one JSON answer per line on stdout
(see ``benchmarks.sessions``)::

    {"op": "run", "case": {...}, "rows": int | null, "quality": bool, "parameters": bool}
    {"op": "memory"}

It runs them with ``InProcessSession``, the same code for every implementation: untimed
prepare, timed train. A failed request is answered ``{"error": traceback}`` and the worker
goes on. Anything the libraries print goes to stderr, so that stdout carries only the
answers. Ends when stdin closes.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

from .cases import case_from_dict
from .sessions import InProcessSession


def answer(session: InProcessSession, request: dict) -> dict:
    if request["op"] == "memory":
        return session.memory()
    return session.run(
        case_from_dict(request["case"]), request["rows"], request["quality"], request["parameters"]
    )


def serve(name: str) -> None:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to the log
    session = InProcessSession(name)
    for line in sys.stdin:
        try:
            reply = answer(session, json.loads(line))
        except Exception:  # reported to the benchmark, which names the worker
            reply = {"error": traceback.format_exc()}
        answers.write(json.dumps(reply) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve(sys.argv[1])
