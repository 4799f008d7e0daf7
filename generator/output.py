"""The output folder: what is stale, what the generator wrote before, and an all-or-nothing write.

A manifest (`.webhookgen-manifest.json`) records each file the generator wrote with the sha256 of
its bytes. It tells a file we wrote and nobody changed (safe to replace or remove) from a file
changed by hand since, or a file we never wrote (neither overwritten without `--force`, nor removed).
Files are compared and written as bytes: no newline translation, so any description round-trips.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

MANIFEST = ".webhookgen-manifest.json"
JOURNAL = ".webhookgen-journal.json"  # there only while a generate runs, or after one was killed
TMP_MARK = ".webhookgen-tmp-"  # in every temporary name: hidden, and never the name of an output
JOURNAL_NEXT = JOURNAL + TMP_MARK + "next"  # the journal's own temporary


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
    return (
        bool(parts)
        and not Path(rel).is_absolute()
        and ".." not in parts
        and "\0" not in rel
        and rel not in (MANIFEST, JOURNAL)
    )


def through_link(out: Path, rel: str) -> bool:
    """Whether the path crosses a symbolic link inside the output folder (which could lead outside it)."""
    path = out
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            return True
    return False


def manifest_bytes(files: dict[str, bytes]) -> bytes:
    entries = {rel: digest(data) for rel, data in files.items()}
    body = {"generator": "webhookgen", "files": dict(sorted(entries.items()))}
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


@dataclass
class Plan:
    """What a run would change in the output folder."""

    stale: list[str] = field(default_factory=list)  # to (re)write
    orphans: list[str] = field(default_factory=list)  # we wrote them, nothing produces them now
    edited: list[str] = field(default_factory=list)  # changed by hand since we wrote them
    unknown: list[str] = field(default_factory=list)  # there, different, and no manifest says we wrote them
    foreign: list[str] = field(default_factory=list)  # there, different, and the manifest does not list them
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
            elif now is not None and manifest is not None and rel not in manifest:
                p.foreign.append(rel)
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


# -- all-or-nothing writes, with a journal ---------------------------------------------------------
#
# A run writes every new file to a temporary beside its target and links a backup to every file it
# replaces or removes; only then does the journal (phase "renaming") reach the disk, and only then
# does the first rename happen. A run killed at any point leaves the journal behind, and the next
# run reads it before anything else: before the renames it removes the temporaries and backups; during
# them it puts every backup back and removes the files that were new; after them (phase "done") it
# only removes the backups. So the folder reads entirely old or entirely new, and so does the
# manifest, which is one of the files renamed. The journal names only targets; the temporaries and
# backups are derived from them and its random token, so cleaning up can never touch anything else.


@dataclass
class Journal:
    token: str  # in every temporary and backup name of the run
    writes: dict[str, tuple[str | None, str]]  # path: (sha256 of the file it replaces or None, sha256 of the new file)
    removes: dict[str, str]  # orphan path: sha256 of the file removed
    phase: str = "writing"  # "writing" (no rename yet), "renaming", "done" (every rename made)

    def to_bytes(self) -> bytes:
        body = {
            "generator": "webhookgen",
            "phase": self.phase,
            "token": self.token,
            "writes": {rel: {"old": old, "new": new} for rel, (old, new) in self.writes.items()},
            "removes": self.removes,
        }
        return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def temporary(out: Path, rel: str, token: str) -> Path:
    target = out / rel
    return target.parent / f".{target.name[:80]}{TMP_MARK}{token}"


def backup(out: Path, rel: str, token: str) -> Path:
    return temporary(out, rel, token).with_name(temporary(out, rel, token).name + ".old")


def parse_journal(out: Path, data: bytes) -> Journal:
    """The journal of an interrupted run, checked: every path in it one the generator could write."""
    bad = OutputError(f"{out / JOURNAL}: not a journal this generator wrote; nothing was changed (remove it to go on)")
    try:
        body = json.loads(data.decode("utf-8"))
        token, phase, writes, removes = body["token"], body["phase"], body["writes"], body["removes"]
        journal = Journal(
            token,
            {rel: (entry["old"], entry["new"]) for rel, entry in writes.items()},
            dict(removes),
            phase,
        )
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(token, str) or not _TOKEN.fullmatch(token) or phase not in ("writing", "renaming", "done"):
        raise bad
    hashes = [new for _, new in journal.writes.values()] + list(journal.removes.values())
    hashes += [old for old, _ in journal.writes.values() if old is not None]
    if not all(isinstance(h, str) and _SHA256.fullmatch(h) for h in hashes):
        raise bad
    for rel in [*journal.writes, *journal.removes]:
        if not (safe_relative(rel) or rel == MANIFEST) or through_link(out, rel):
            raise bad
    return journal


_TOKEN = re.compile(r"[0-9a-f]{16}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def save_journal(out: Path, journal: Journal, phase: str) -> None:
    """The journal on disk (fsynced, then renamed into place, then the folder fsynced) in `phase`."""
    tmp = out / JOURNAL_NEXT  # a fixed name: one run at a time holds the lock
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(dataclasses.replace(journal, phase=phase).to_bytes())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, out / JOURNAL)
    journal.phase = phase  # what the next run would read now
    sync_folders([out])


def sync_folders(folders: Iterable[Path]) -> None:
    """fsync each folder, so that the names created, renamed or removed in it are on disk."""
    for folder in dict.fromkeys(folders):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def recover(out: Path) -> str | None:
    """Finish or roll back a run that was killed part way, from its journal; what was done, if anything.

    Removes nothing but the journal's own temporaries and backups (and the journal)."""
    if not out.is_dir():
        return None
    with contextlib.suppress(FileNotFoundError):
        os.unlink(out / JOURNAL_NEXT)
    data = read(out / JOURNAL)
    if data is None:
        return None
    journal = parse_journal(out, data)
    try:
        if journal.phase == "done":
            finish(out, journal)
            return f"{out / JOURNAL}: finished cleaning up after an interrupted generate (its files were all written)"
        undo(out, journal)
        os.unlink(out / JOURNAL)
        sync_folders([out])
    except OSError as e:
        raise OutputError(f"{e.filename or out}: cannot roll back an interrupted generate: {e.strerror}") from None
    return f"{out / JOURNAL}: rolled back an interrupted generate; the files are those of the run before it"


def write_all(out: Path, files: dict[str, bytes], p: Plan, mode: int) -> None:
    """Write every stale file and the manifest and remove the orphans, or change nothing.

    Everything is written to temporary files beside its target first, and each file replaced or
    removed gets a backup (a hard link); only when all are on disk, and the journal says so, are
    the temporaries renamed into place. A failure puts the backups back; a kill leaves the journal
    for the next run (see `recover`).
    """
    writes = {rel: files[rel] for rel in p.stale}
    writes[MANIFEST] = manifest_bytes(files)
    currents = {rel: p.current.get(rel) for rel in writes}
    currents[MANIFEST] = read(out / MANIFEST)
    journal = Journal(
        secrets.token_hex(8),
        {
            rel: (None if currents[rel] is None else digest(currents[rel] or b""), digest(data))
            for rel, data in writes.items()
        },
        {rel: digest(p.current[rel] or b"") for rel in p.orphans},
    )
    try:
        save_journal(out, journal, "writing")
        for rel, data in writes.items():
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = temporary(out, rel, journal.token)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fchmod(f.fileno(), mode)  # outputs are meant to be copied and published
                os.fsync(f.fileno())
        replaced = [rel for rel, (old, _) in journal.writes.items() if old is not None] + list(journal.removes)
        for rel in replaced:
            try:
                os.link(out / rel, backup(out, rel, journal.token))
            except OSError:  # a filesystem without hard links: a copy does as well
                shutil.copy2(out / rel, backup(out, rel, journal.token))
        folders = [(out / rel).parent for rel in [*journal.writes, *journal.removes]]
        sync_folders(folders)
        save_journal(out, journal, "renaming")
        for rel in journal.writes:
            os.replace(temporary(out, rel, journal.token), out / rel)
        for rel in journal.removes:
            os.unlink(out / rel)
        sync_folders(folders)
        save_journal(out, journal, "done")
    except OSError as e:
        if journal.phase == "done":
            return finish_or_report(out, journal)
        with contextlib.suppress(OSError):
            remove_if_there(out / JOURNAL_NEXT)
            undo(out, journal)  # if this fails too, the journal stays for the next run to finish it
            remove_if_there(out / JOURNAL)
        raise OutputError(f"{e.filename or out}: cannot write: {e.strerror}; nothing was changed") from None
    finish_or_report(out, journal)


def finish_or_report(out: Path, journal: Journal) -> None:
    try:
        finish(out, journal)
    except OSError as e:  # every file is written; the next run removes what is left
        raise OutputError(f"{e.filename or out}: wrote every file, but cannot clean up: {e.strerror}") from None


def undo(out: Path, journal: Journal) -> None:
    """Put back what a run in phase "writing" or "renaming" changed, and remove its temporaries."""
    renaming = journal.phase == "renaming"
    for rel, (old, new) in journal.writes.items():
        target, tmp, saved = out / rel, temporary(out, rel, journal.token), backup(out, rel, journal.token)
        if renaming and old is not None and saved.exists():
            now = read(target)
            if now is None or digest(now) in (old, new):  # a file changed since the kill is left as it is
                os.replace(saved, target)
        elif renaming and old is None and not tmp.exists():  # renamed into place: it was not there before
            now = read(target)
            if now is not None and digest(now) == new:
                os.unlink(target)
        remove_if_there(tmp)
        remove_if_there(saved)
        if old is None:
            prune_empty_folders(out, target.parent)
    for rel, old in journal.removes.items():
        target, saved = out / rel, backup(out, rel, journal.token)
        if renaming and saved.exists() and not target.exists():
            os.replace(saved, target)
        remove_if_there(saved)
    sync_folders(
        dict.fromkeys((out / rel).parent for rel in [*journal.writes, *journal.removes] if (out / rel).parent.is_dir())
    )


def finish(out: Path, journal: Journal) -> None:
    """After every rename: remove the backups, the folders the orphans leave empty, and the journal."""
    for rel in journal.writes:
        remove_if_there(temporary(out, rel, journal.token))
        remove_if_there(backup(out, rel, journal.token))
    for rel in journal.removes:
        remove_if_there(backup(out, rel, journal.token))
        prune_empty_folders(out, (out / rel).parent)
    os.unlink(out / JOURNAL)
    sync_folders([out])


def remove_if_there(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def prune_empty_folders(out: Path, folder: Path) -> None:
    while folder != out and out in folder.parents and not folder.is_symlink():
        try:
            folder.rmdir()
        except OSError:  # not empty, gone, or not ours to remove: stop there
            return
        folder = folder.parent
