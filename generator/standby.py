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
import os
import pickle
import signal
import socket
import struct
from pathlib import Path
from typing import Any, Iterator

from . import __version__
from .machine import cache_folder, usable_cpus


class Standby:
    """A forked process that imports datamodel-code-generator, then runs it for each request sent
    (`run`) until its connection closes. One request at a time: from this process or from one
    forked from it, not both. It only saves time: when it is gone (killed, or crashed), `run` runs
    the tool in the calling process instead.

    Forked with os.fork over a socket pair rather than with multiprocessing, whose import alone
    (30 ms) would delay the fork by a tenth of what the process is there to save; the messages are
    pickles with a length in front (`_send`, `_receive`), between this process and its own child."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the standby
            status = 0
            try:
                ours.close()  # open only in the parent (and its workers): its end, even by kill -9, ends this
                self._serve(theirs)
            except BaseException:
                status = 1  # the caller runs the tool itself when this is gone
            finally:
                os._exit(status)  # never back into the caller's code
        theirs.close()
        self.pid = pid
        self._socket = ours
        self._requests = itertools.count()
        self._broken = False
        self._ended = False
        self._reaped = False  # its exit collected: its pid may be another process's now

    @staticmethod
    def _serve(connection: socket.socket) -> None:
        # Ctrl-C reaches the whole process group: the generator handles it and ends this process
        # (`close`), which would otherwise print a traceback of its own from wherever it was.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        from . import datamodel_tool  # here, in the child: the parent never imports the tool for it

        datamodel_tool.warm_up()
        while True:
            try:
                request, document, header_text = _receive(connection)
            except (EOFError, OSError):
                return  # the run is over
            try:
                outcome: tuple[bool, Any] = (True, datamodel_tool.run(document, header_text))
            except Exception as e:  # every error goes back, to be raised in the caller as it is
                outcome = (False, e)
            try:
                _send(connection, (request, *outcome))
            except (pickle.PicklingError, TypeError, AttributeError) as e:  # an error that cannot be pickled
                _send(connection, (request, False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({e})")))

    def run(self, document: dict[str, Any], header_text: str) -> str:
        """`datamodel_tool.run(document, header_text)`, in the standby process, or here if it is gone.
        Each request carries an id, and a reply to another (one a worker sent and was ended before
        it read the reply) is skipped."""
        request = (os.getpid(), next(self._requests))
        outcome: tuple[bool, Any] | None = None
        if not self._broken:
            try:
                _send(self._socket, (request, document, header_text))
                while outcome is None:
                    answered, ok, value = _receive(self._socket)
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
        """End the process, whatever it is doing (importing, or waiting for a request), and reap it.
        Closing it again does nothing."""
        if self._ended:
            return
        self._ended = True
        self._socket.close()
        if self._reaped:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)  # not reaped yet: the pid is still its own, even if it exited
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self._reaped = True

    @property
    def alive(self) -> bool:
        if self._reaped:
            return False
        try:
            if os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                return True
        except ChildProcessError:  # not this process's child (a worker asking)
            return False
        self._reaped = True
        return False


_LENGTH = struct.Struct("!Q")


def _send(connection: socket.socket, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    connection.sendall(_LENGTH.pack(len(data)) + data)


def _receive(connection: socket.socket) -> Any:
    (length,) = _LENGTH.unpack(_exactly(connection, _LENGTH.size))
    return pickle.loads(_exactly(connection, length))


def _exactly(connection: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = connection.recv(min(size - len(data), 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the connection")
        data += chunk
    return bytes(data)


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
    if spec_path is None or not hasattr(os, "fork") or usable_cpus() < 2:
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
