"""Heavy pure work off the event loop: article extraction and the ingest engine run in a pool
of worker processes, each call with a time budget.

A thread would not do: trafilatura and the engine are Python, so a pathological page would
hold the GIL and stall the loop as surely as running it there (a 1 MB page stalled every
server for 16 s). A process of its own cannot. A call past its budget gets WorkTimeout, a
clear one-line reason for the curator, and its worker processes are stopped and replaced;
a call that was running beside it in the same pool is run again once on the new pool, so
it does not pay for another article's page.

The pool is the standard library's ProcessPoolExecutor with the `spawn` start method (a
fork of a process running an event loop and threads copies their locks mid-use), one per
bot process, made on first use and shut down with the process. Its management thread waits
on pipes, never in `time.sleep`, so it also runs under libfaketime, as the date tests do.
Functions sent to it must be importable module-level functions of picklable values.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

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
_pool: ProcessPoolExecutor | None = None


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn")
            )
        return _pool


def _replace(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers (one ran past its budget, or died) and let the next call make
    a new pool."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the workers (at exit, and in tests that want a fresh pool), without waiting for
    one stuck in a long page: the bot's exit never hangs on it."""
    with _lock:
        pool = _pool
    if pool is not None:
        _replace(pool)


atexit.register(shutdown)


async def run(fn: Callable[..., T], *args: Any, timeout: float, what: str) -> T:  # noqa: ASYNC109
    """fn(*args) in a worker process, within `timeout` seconds. Exceptions of fn come back as
    they were raised; a call past its budget stops its pool's workers (WorkTimeout), and one
    whose worker died says so (WorkFailed)."""
    for attempt in (1, 2):
        pool = _get_pool()
        try:
            future = pool.submit(fn, *args)
        except (BrokenProcessPool, RuntimeError):  # a pool being replaced: use the next
            _replace(pool)
            continue
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError:
            log.warning("%s took more than %g s: its worker was stopped", what, timeout)
            _replace(pool)
            raise WorkTimeout(f"{what} took more than {timeout:g} seconds, so I stopped") from None
        except BrokenProcessPool:
            _replace(pool)
            if attempt == 1:
                log.info("%s: its pool was replaced meanwhile; running it again", what)
                continue
            log.error("%s: the worker process died", what)
            raise WorkFailed(f"{what} failed: the worker ran out of memory or crashed") from None
    raise WorkFailed(f"{what} failed: no worker could be started")
