"""The output folder: what is stale, what the generator wrote before, and an all-or-nothing write.

A manifest (`.webhookgen-manifest.json`) records each file the generator wrote with the sha256 of
its bytes. It tells a file we wrote and nobody changed (safe to replace or remove) from a file
changed by hand since (never overwritten without `--force`) or a file we never wrote (never removed).
Files are compared and written as bytes: no newline translation, so any description round-trips.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

MANIFEST = ".webhookgen-manifest.json"
TMP_MARK = ".webhookgen-tmp-"  # in every temporary name: hidden, and never the name of an output


class OutputError(Exception):
    """The output folder cannot be read or written; the message is one line."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise OutputError(f"{path}: is a folder, where a generated file goes") from None
    except OSError as e:
        raise OutputError(f"{path}: cannot read: {e.strerror}") from None


def read_manifest(out: Path) -> dict[str, str] | None:
    """{path: sha256} of what the last run wrote; None when there is none, or it cannot be read or
    parsed (then nothing on disk is known to be ours)."""
    try:
        data = read(out / MANIFEST) if out.is_dir() else None
    except OutputError:
        return None
    if data is None:
        return None
    try:
        files = json.loads(data.decode("utf-8"))["files"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(files, dict):
        return None
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str) and safe_relative(k)}


def safe_relative(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts and "\0" not in rel and rel != MANIFEST


def through_link(out: Path, rel: str) -> bool:
    """Whether the path crosses a symbolic link inside the output folder (which could lead outside it)."""
    path = out
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            return True
    return False


def manifest_bytes(files: dict[str, bytes], kept: dict[str, str] | None = None) -> bytes:
    """The manifest of `files`, plus `kept`: orphans that could not be removed, still ours to track."""
    entries = {rel: digest(data) for rel, data in files.items()}
    entries.update(kept or {})
    body = {"generator": "webhookgen", "files": dict(sorted(entries.items()))}
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


@dataclass
class Plan:
    """What a run would change in the output folder."""

    stale: list[str] = field(default_factory=list)  # to (re)write
    orphans: list[str] = field(default_factory=list)  # we wrote them, nothing produces them now
    edited: list[str] = field(default_factory=list)  # changed by hand since we wrote them
    unknown: list[str] = field(default_factory=list)  # there, different, and no manifest says we wrote them
    current: dict[str, bytes | None] = field(default_factory=dict)  # what is on disk now
    hashes: dict[str, str] = field(default_factory=dict)  # the manifest's entries for the orphans


def plan(files: dict[str, bytes], out: Path) -> Plan:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file; --out must be a folder")
    manifest = read_manifest(out)
    p = Plan()
    for rel, data in files.items():
        if through_link(out, rel):
            raise OutputError(f"{out / rel}: crosses a symbolic link inside the output folder; not writing through it")
        now = read(out / rel)
        p.current[rel] = now
        if now != data:
            p.stale.append(rel)
            if now is not None and manifest is None:
                p.unknown.append(rel)
            elif now is not None and manifest is not None and rel in manifest and digest(now) != manifest[rel]:
                p.edited.append(rel)
    for rel in sorted(set(manifest or {}) - set(files)):
        if through_link(out, rel) or (out / rel).is_dir():
            continue  # not a file of ours any more: leave it alone
        try:
            now = read(out / rel)
        except OutputError:
            continue
        if now is None:
            continue
        assert manifest is not None
        p.current[rel] = now
        p.hashes[rel] = manifest[rel]
        p.orphans.append(rel)
        if digest(now) != manifest[rel]:
            p.edited.append(rel)
    return p


def unified_diff(files: dict[str, bytes], p: Plan) -> str:
    chunks: list[str] = []
    for rel in p.stale + p.orphans:
        old = (p.current.get(rel) or b"").decode("utf-8", errors="replace")
        new = files.get(rel, b"").decode("utf-8")
        chunks.extend(
            difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{rel}", f"b/{rel}")
        )
    return "".join(chunks)


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """One generate at a time per output folder; a second one waits for the first."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file; --out must be a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        # The folder itself is locked: no lock file is left behind beside the outputs.
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise OutputError(f"{e.filename or out}: cannot write: {e.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_stale_temporaries(out: Path) -> None:
    """A killed run may leave temporary files behind; they are ours by their name."""
    for path in out.rglob(f"*{TMP_MARK}*"):
        with contextlib.suppress(OSError):
            path.unlink()


def write_all(out: Path, files: dict[str, bytes], p: Plan, mode: int) -> None:
    """Write every stale file and the manifest, or none of them, then remove the orphans.

    Everything is written to temporary files beside its target first; only when all are on disk
    are they renamed into place. If a rename fails, the ones already renamed are put back.
    """
    writes = {rel: files[rel] for rel in p.stale}
    writes[MANIFEST] = manifest_bytes(files)
    temporaries: dict[str, str] = {}
    try:
        for rel, data in writes.items():
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:80]}{TMP_MARK}")
            temporaries[rel] = tmp
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)  # mkstemp makes it private; outputs are meant to be copied and published
        rename_all(out, temporaries)
    except OSError as e:
        raise OutputError(f"{e.filename or out}: cannot write: {e.strerror}; nothing was changed") from None
    finally:
        for tmp in temporaries.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    kept: dict[str, str] = {}
    for rel in p.orphans:
        try:
            (out / rel).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            kept[rel] = p.hashes[rel]  # still ours: the next run tries again
            continue
        prune_empty_folders(out, (out / rel).parent)
    if kept:
        write_manifest(out, manifest_bytes(files, kept), mode)


def write_manifest(out: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=out, prefix=f"{MANIFEST}{TMP_MARK}")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, out / MANIFEST)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{out / MANIFEST}: cannot write: {e.strerror}") from None


def rename_all(out: Path, temporaries: dict[str, str]) -> None:
    backups: dict[str, str] = {}  # rel -> a hard link to the file it replaces
    done: list[str] = []
    try:
        for rel, tmp in temporaries.items():
            target = out / rel
            if target.exists():
                backup = f"{tmp}.old"
                try:
                    os.link(target, backup)
                except OSError:  # a filesystem without hard links: a copy does as well
                    shutil.copy2(target, backup)
                backups[rel] = backup
            os.replace(tmp, target)
            done.append(rel)
    except OSError:
        for rel in reversed(done):
            with contextlib.suppress(OSError):
                if rel in backups:
                    os.replace(backups.pop(rel), out / rel)
                else:
                    os.unlink(out / rel)
        raise
    finally:
        for backup in backups.values():
            with contextlib.suppress(OSError):
                os.unlink(backup)


def prune_empty_folders(out: Path, folder: Path) -> None:
    while folder != out and out in folder.parents and not folder.is_symlink():
        try:
            folder.rmdir()
        except OSError:  # not empty, gone, or not ours to remove: stop there
            return
        folder = folder.parent
