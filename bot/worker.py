"""Heavy pure work off the event loop: article extraction and the ingest engine run in a pool
of worker processes (pebble), each call with a time budget.

A thread would not do: trafilatura and the engine are Python, so a pathological page would
hold the GIL and stall the loop as surely as running it there (a 1 MB page stalled every
server for 16 s). A process of its own cannot, and one that runs past its budget is killed
and replaced: the caller gets WorkTimeout, a clear one-line reason for the curator, and no
other server notices.

The pool is one per bot process, made on first use with the `spawn` start method (a fork
of a process running an event loop and threads copies their locks mid-use), and shut down
with the process. Functions sent to it must be importable module-level functions of
picklable values.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

log = logging.getLogger(__name__)
T = TypeVar("T")

WORKERS = 2
"""Worker processes per bot process: the machine's two cores, and one slow article never
queues a second behind it."""


class WorkFailed(Exception):
    """A worker died (out of memory, a crash) or ran past its budget; str() says which."""


class WorkTimeout(WorkFailed):
    pass


_lock = threading.Lock()
_pool: ProcessPool | None = None


def _get_pool() -> ProcessPool:
    global _pool
    with _lock:
        if _pool is None or not _pool.active:
            _pool = ProcessPool(max_workers=WORKERS, context=multiprocessing.get_context("spawn"))
        return _pool


def shutdown() -> None:
    """Stop the workers (at exit, and in tests that want a fresh pool)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.stop()  # type: ignore[no-untyped-call]
        pool.join(timeout=5)


atexit.register(shutdown)


async def run(fn: Callable[..., T], *args: Any, timeout: float, what: str) -> T:  # noqa: ASYNC109
    """fn(*args) in a worker process, within `timeout` seconds. Exceptions of fn come back as
    they were raised; a worker past its budget is killed (WorkTimeout) and one that died
    says so (WorkFailed). `what` names the work in those messages ("reading the page")."""
    future = _get_pool().schedule(fn, args=args, timeout=timeout)
    try:
        return await asyncio.wrap_future(future)
    except FutureTimeout:
        log.warning("%s took more than %g s: the worker was stopped", what, timeout)
        raise WorkTimeout(f"{what} took more than {timeout:g} seconds, so I stopped") from None
    except ProcessExpired as exc:
        log.error("%s: the worker process died (%s)", what, exc)
        raise WorkFailed(f"{what} failed: the worker ran out of memory or crashed") from None
    except asyncio.CancelledError:
        future.cancel()  # type: ignore[no-untyped-call]
        raise
