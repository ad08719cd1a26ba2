"""The playground's web server: a small Starlette (ASGI) app over ``SessionStore``.

Routes (all answers JSON; errors are ``{"error": message}`` with a 4xx status):

    GET    /                                  the page (static/index.html)
    GET    /static/...                        main.js and its ES modules, style.css (in the package)
    GET    /api/options                       data sets, activations, optimizers, bounds
    POST   /api/uploads                       a CSV file (multipart field "file") -> its columns
    POST   /api/sessions                      a configuration -> a new session and its first frame
    GET    /api/sessions/{id}                 the current frame, with the data points
    PATCH  /api/sessions/{id}                 {"learning_rate": x} -> used from the next epoch on
    DELETE /api/sessions/{id}                 close the session
    POST   /api/sessions/{id}/train           {"epochs": n} -> the frame after n epochs
    POST   /api/sessions/{id}/reset           back to the initial weights
    GET    /api/sessions/{id}/stream?epochs=n&per_frame=k
                                              server-sent events: a "frame" every k epochs, then "done"
                                              (the page's Play does not use it: it asks /train for one
                                              chunk at a time and draws it before asking for the next,
                                              so the picture never falls behind the weights)
    GET    /api/sessions/{id}/explain?sample=i one backprop step for training sample i
    POST   /api/sessions/{id}/apply           {"sample": i} -> take that step (W -= lr dE/dW), the new frame

Training runs in a worker thread (``run_in_threadpool``) so the server keeps answering. While
the app runs (its lifespan), BLAS uses one thread: the matrices are tiny and each session trains
in its own thread, so more BLAS threads only contend (on a busy 2-core machine a 2500 x 16 x 16
product took 28 ms with them and 0.1 ms without).
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import NeuralabError
from . import actions
from .config import LIMITS
from .datasets import MAX_UPLOAD_BYTES, parse_upload
from .errors import PlaygroundError, PlaygroundInputError, UnsupportedUpload, UploadTooLarge
from .store import SessionStore

STATIC = Path(__file__).parent / "static"


def _error(exc: NeuralabError) -> JSONResponse:
    status = exc.status if isinstance(exc, PlaygroundError) else 400
    body = {"error": str(exc)}
    fix = getattr(exc, "fix", None)
    if fix is not None:  # settings that would work, e.g. {"batch_size": 8}: the page offers them
        body["fix"] = fix
    retry_after = getattr(exc, "retry_after", None)
    headers = None if retry_after is None else {"Retry-After": str(retry_after)}
    return JSONResponse(body, status_code=status, headers=headers)


def _guarded(handler):
    """Answer NeuralabError (bad input, unknown session, blocked training) with its 4xx status."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except NeuralabError as exc:
            return _error(exc)

    return endpoint


async def _json_body(request: Request) -> object:
    body = await request.body()
    if len(body) > 100_000:
        raise PlaygroundInputError("The request body is over 100,000 bytes; send a smaller configuration.")
    try:
        return json.loads(body or b"{}")
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a number over 4300 digits
        raise PlaygroundInputError(f"The request body is not valid JSON: {exc}.") from exc
    except RecursionError as exc:
        raise PlaygroundInputError("The request body nests too deeply; send a flat configuration.") from exc


def _query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise PlaygroundInputError(f"`{name}` must be a whole number. Got {raw!r}.") from exc
    if not low <= value <= high:
        raise PlaygroundInputError(f"`{name}` must be between {low} and {high}. Got {value}.")
    return value


@asynccontextmanager
async def _one_blas_thread(app: Starlette):
    """The app's lifespan: one BLAS thread while it serves, the previous setting after."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def create_app(store: SessionStore | None = None) -> Starlette:
    """The playground's ASGI application (``store``: a SessionStore, e.g. with other bounds)."""
    store = store if store is not None else SessionStore()

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def options(request: Request) -> Response:
        return JSONResponse(actions.options())

    async def upload(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + 10_000:
            raise UploadTooLarge(
                f"The upload is {int(declared):,} bytes; the playground accepts CSV files "
                f"up to {MAX_UPLOAD_BYTES:,} bytes."
            )
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise UnsupportedUpload('Send the CSV as multipart/form-data with the field "file".')
        try:
            form = await request.form(max_files=1, max_fields=5)
        except (HTTPException, MultiPartException) as exc:  # too many files or fields, a bad boundary
            reason = exc.detail if isinstance(exc, HTTPException) else exc.message
            raise PlaygroundInputError(
                f'The upload is not a form with one CSV file in the field "file": {reason}'
            ) from exc
        try:
            file = form.get("file")
            if file is None or isinstance(file, str):
                raise PlaygroundInputError('The upload has no file in the field "file".')
            content = await file.read(MAX_UPLOAD_BYTES + 1)
            filename = file.filename or "upload.csv"
        finally:
            await form.close()
        table = await run_in_threadpool(parse_upload, filename, content)
        upload_id = store.add_upload(table)
        numeric = [name for name in table.columns if table.is_numeric(name)]
        return JSONResponse(
            {
                "upload_id": upload_id,
                "filename": filename,
                "rows": table.n_rows,
                "columns": table.columns,
                "numeric": numeric,
                "notes": table.notes,
            },
            status_code=201,
        )

    async def create(request: Request) -> Response:
        payload = await _json_body(request)
        session = await run_in_threadpool(store.create, payload)
        return JSONResponse(session.frame(include_data=True), status_code=201)

    async def show(request: Request) -> Response:
        session = store.get(request.path_params["session_id"])
        return JSONResponse(await run_in_threadpool(actions.show, session))

    async def update(request: Request) -> Response:
        session = store.get(request.path_params["session_id"])
        payload = await _json_body(request)
        return JSONResponse(await run_in_threadpool(actions.set_learning_rate, session, payload))

    async def delete(request: Request) -> Response:
        store.delete(request.path_params["session_id"])
        return JSONResponse({"deleted": request.path_params["session_id"]})

    async def train(request: Request) -> Response:
        session = store.get(request.path_params["session_id"])
        payload = await _json_body(request)
        return JSONResponse(await run_in_threadpool(actions.train, session, payload))

    async def reset(request: Request) -> Response:
        session = store.get(request.path_params["session_id"])
        return JSONResponse(await run_in_threadpool(actions.reset, session))

    async def explain(request: Request) -> Response:
        session = store.get(request.path_params["session_id"])
        # Any whole number passes here; the session names its own training-set size.
        sample = _query_int(request, "sample", 0, -(10**9), 10**9)
        return JSONResponse(await run_in_threadpool(actions.explain, session, {"sample": sample}))

    async def apply(request: Request) -> Response:
        session = store.get(request.path_params["session_id"])
        payload = await _json_body(request)
        return JSONResponse(await run_in_threadpool(actions.apply_step, session, payload))

    async def stream(request: Request) -> Response:
        session = store.get(request.path_params["session_id"])
        epochs = _query_int(request, "epochs", 1, 1, LIMITS["max_epochs_per_stream"])
        per_frame = _query_int(request, "per_frame", 1, 1, LIMITS["max_epochs_per_frame"])
        session.stream_token += 1  # a newer stream on the same session stops this one
        token = session.stream_token

        async def events():
            remaining = epochs
            while remaining > 0 and token == session.stream_token:
                step = min(per_frame, remaining)
                try:
                    start = await run_in_threadpool(session.train, step)
                except PlaygroundError as exc:
                    yield _event("problem", {"error": str(exc)})
                    break
                except Exception as exc:  # tell the page, then let the server log the traceback
                    yield _event("problem", {"error": f"The server failed while training: {exc}"})
                    raise
                frame = await run_in_threadpool(session.frame, since=start + 1)
                yield _event("frame", frame)
                remaining -= step
                if not frame["can_train"]:
                    break
            yield _event("done", {"epoch": session.epoch})

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    routes = [
        Route("/", _guarded(index)),
        Route("/api/options", _guarded(options)),
        Route("/api/uploads", _guarded(upload), methods=["POST"]),
        Route("/api/sessions", _guarded(create), methods=["POST"]),
        Route("/api/sessions/{session_id}", _guarded(show), methods=["GET"]),
        Route("/api/sessions/{session_id}", _guarded(update), methods=["PATCH"]),
        Route("/api/sessions/{session_id}", _guarded(delete), methods=["DELETE"]),
        Route("/api/sessions/{session_id}/train", _guarded(train), methods=["POST"]),
        Route("/api/sessions/{session_id}/reset", _guarded(reset), methods=["POST"]),
        Route("/api/sessions/{session_id}/stream", _guarded(stream)),
        Route("/api/sessions/{session_id}/explain", _guarded(explain)),
        Route("/api/sessions/{session_id}/apply", _guarded(apply), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=_one_blas_thread)
    app.state.store = store
    return app


def _event(name: str, data: dict) -> str:
    """One server-sent event: ``event: name`` and one JSON ``data:`` line."""
    return f"event: {name}\ndata: {json.dumps(data, allow_nan=False)}\n\n"


__all__ = ["create_app"]
