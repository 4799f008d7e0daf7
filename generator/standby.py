"""A process that imports datamodel-code-generator while this one starts, then runs it on request.

On a cold run over a small spec, most of the wall time was the tool's import (about a third of a
second), which began only once our own modules had imported and the spec had loaded. `started`
forks a process at the start of `generate` and `check`, before anything heavy is imported here, and
that process imports the tool (generator/datamodel_tool.py) in parallel with our start-up. The
pydantic target then sends it each run of the tool (`Standby.run`, the same call as
`datamodel_tool.run`): from a worker process forked later, which inherits the connection, or from
this one.

A hint in the cache (a file named by the spec's SHA-256, written after a run that cached the
pydantic output) says the tool will not be needed, and then no process starts. The hint only
decides that: a wrong one starts a process for nothing or leaves the tool to be imported where it
runs, as without a standby; it never changes an output.

This module imports only the standard library: it runs before the rest of the generator is imported.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Iterator

from . import __version__


def cache_folder() -> Path | None:
    """The cache's folder: $WEBHOOKGEN_CACHE_DIR (empty: no cache), else $XDG_CACHE_HOME/webhookgen,
    else ~/.cache/webhookgen."""
    configured = os.environ.get("WEBHOOKGEN_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "webhookgen"


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Standby:
    """A forked process that imports datamodel-code-generator, then runs it for each request sent
    (`run`) until its connection closes. One request at a time: from this process or from one
    forked from it, not both. It only saves time: when it is gone (killed, or crashed), `run` runs
    the tool in the calling process instead."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe(duplex=True)
        self._process = context.Process(target=self._serve, args=(child, self._connection), daemon=True)
        self._process.start()
        child.close()
        self._requests = itertools.count()
        self._broken = False

    @staticmethod
    def _serve(connection: Connection, parents_end: Connection) -> None:
        # Ctrl-C reaches the whole process group: the generator handles it and ends this process
        # (`close`), which would otherwise print a traceback of its own from wherever it was.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # The fork copied the parent's end too: closed here, it is open only in the parent (and in
        # the processes it forks), so the end of the parent, even by kill -9, ends this loop.
        parents_end.close()
        from . import datamodel_tool  # here, in the child: the parent never imports the tool for it

        datamodel_tool.warm_up()
        while True:
            try:
                request, document, header_text = connection.recv()
            except (EOFError, OSError):
                return  # the run is over
            try:
                outcome: tuple[bool, Any] = (True, datamodel_tool.run(document, header_text))
            except Exception as e:  # every error goes back, to be raised in the caller as it is
                outcome = (False, e)
            try:
                connection.send((request, *outcome))
            except Exception as e:  # an error that cannot be pickled
                connection.send((request, False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({e})")))

    def run(self, document: dict[str, Any], header_text: str) -> str:
        """`datamodel_tool.run(document, header_text)`, in the standby process, or here if it is gone.
        Each request carries an id, and a reply to another (one a worker sent and was ended before
        it read the reply) is skipped."""
        request = (os.getpid(), next(self._requests))
        outcome: tuple[bool, Any] | None = None
        if not self._broken:
            try:
                self._connection.send((request, document, header_text))
                while outcome is None:
                    answered, ok, value = self._connection.recv()
                    if answered == request:
                        outcome = (ok, value)
            except (EOFError, OSError):
                self._broken = True  # gone: the tool runs here, now and for every later request
        if outcome is None:
            from . import datamodel_tool

            return datamodel_tool.run(document, header_text)
        ok, value = outcome
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        assert isinstance(value, str)
        return value

    def close(self) -> None:
        """End the process, whatever it is doing (importing, or waiting for a request). Closing it
        again does nothing."""
        self._connection.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    @property
    def alive(self) -> bool:
        return self._process.is_alive()


def remember(spec_sha256: str) -> None:
    """Note that the spec of this SHA-256 (of its file) was rendered with its pydantic output cached:
    the next run of the same spec starts no `Standby`. Every error writing the note is ignored."""
    hint = _hint(spec_sha256)
    if hint is None or hint.exists():
        return
    with contextlib.suppress(OSError):
        hint.parent.mkdir(parents=True, exist_ok=True)
        hint.touch()


def _hint(spec_sha256: str) -> Path | None:
    """The hint's file, named by the SHA-256 of this version of the generator and the spec's."""
    folder = cache_folder()
    if folder is None:
        return None
    key = hashlib.sha256(f"webhookgen {__version__}\0{spec_sha256}".encode()).hexdigest()
    return folder / "standby" / key[:2] / key[2:]


@contextlib.contextmanager
def started(spec_path: Path | None) -> Iterator[Standby | None]:
    """A `Standby` for rendering the spec at `spec_path`, unless there is none, or it was rendered
    before with its pydantic output cached (the hint), or there is one core (no parallel work to
    gain) or no `fork`; it is ended when the block ends, however it ends."""
    if spec_path is None or "fork" not in multiprocessing.get_all_start_methods() or usable_cpus() < 2:
        yield None
        return
    hint = None
    with contextlib.suppress(OSError):  # an unreadable spec: loading it reports that
        if spec_path.is_file():  # not a pipe (`--spec <(...)`), which reading here would empty for the loader
            hint = _hint(hashlib.sha256(spec_path.read_bytes()).hexdigest())
    if hint is not None and hint.exists():
        yield None
        return
    standby = Standby()
    try:
        yield standby
    finally:
        standby.close()
