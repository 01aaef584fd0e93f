"""Generator worker processes: each runs one session object on a uvloop event loop."""

from __future__ import annotations

import asyncio
import multiprocessing
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pkgutil import resolve_name
from typing import Any

CALL_TIMEOUT = 600.0
"""Seconds a worker may take to answer one call before the run is abandoned."""


class WorkerError(RuntimeError):
    """A worker raised; the message carries its traceback."""


def _worker_main(conn: Connection) -> None:
    """Entry point of a worker process."""
    import uvloop

    uvloop.run(_serve(conn))


async def _serve(conn: Connection) -> None:
    """Answer ("new", target, share), ("call", method, kwargs) and ("exit",) messages."""
    loop = asyncio.get_running_loop()
    session: Any = None
    while True:
        message = await loop.run_in_executor(None, conn.recv)
        if message[0] == "exit":
            conn.send(("ok", None))
            return
        try:
            if message[0] == "new":
                session = resolve_name(message[1])(message[2])
                result = None
            else:
                result = await getattr(session, message[1])(**message[2])
        except BaseException:
            conn.send(("error", traceback.format_exc()))
        else:
            conn.send(("ok", result))


class Pool:
    """N worker processes that hold open connections between calls."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._conns: list[Connection] = []
        self._procs: list[Any] = []
        for _ in range(processes):
            parent, child = context.Pipe()
            process = context.Process(target=_worker_main, args=(child,), daemon=True)
            process.start()
            child.close()
            self._conns.append(parent)
            self._procs.append(process)

    @property
    def size(self) -> int:
        """The number of workers."""
        return len(self._conns)

    @property
    def pids(self) -> list[int]:
        """The workers' process ids."""
        return [process.pid for process in self._procs]

    def new(self, target: str, shares: Sequence[Any]) -> None:
        """Give each worker a new session `target(share)` ("module:Class"), one share each."""
        if len(shares) != self.size:
            raise ValueError("one share per worker")
        for conn, share in zip(self._conns, shares, strict=True):
            conn.send(("new", target, share))
        self._gather()

    def call(self, method: str, **kwargs: Any) -> list[Any]:
        """Call a coroutine method of every worker's session with the same arguments."""
        return self.call_each(method, [kwargs] * self.size)

    def call_each(self, method: str, kwargs: Sequence[dict[str, Any]]) -> list[Any]:
        """Call a coroutine method of every worker's session, with one set of arguments each."""
        self.submit_each(method, kwargs)
        return self.collect()

    def submit(self, method: str, **kwargs: Any) -> None:
        """Start a call on every worker without waiting; `collect` gets the results."""
        self.submit_each(method, [kwargs] * self.size)

    def submit_each(self, method: str, kwargs: Sequence[dict[str, Any]]) -> None:
        """Start a call on every worker, with one set of arguments each, without waiting."""
        for conn, arguments in zip(self._conns, kwargs, strict=True):
            conn.send(("call", method, arguments))

    def collect(self) -> list[Any]:
        """The results of the calls submitted last, one per worker."""
        return self._gather()

    def _gather(self, timeout: float = CALL_TIMEOUT) -> list[Any]:
        results: list[Any] = []
        errors: list[str] = []
        for conn in self._conns:
            if not conn.poll(timeout):
                raise WorkerError(f"a worker did not answer within {timeout:.0f} s")
            status, value = conn.recv()
            if status == "ok":
                results.append(value)
            else:
                errors.append(value)
        if errors:
            raise WorkerError("\n".join(errors))
        return results

    def close(self) -> None:
        """Stop the workers."""
        for conn in self._conns:
            try:
                conn.send(("exit",))
                if conn.poll(5):
                    conn.recv()
            except (OSError, EOFError):
                pass
        for process in self._procs:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def split(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """Items dealt round-robin into `parts` lists."""
    return [list(items[index::parts]) for index in range(parts)]
