"""Regenerations killed with SIGKILL at every step that changes the output folder.

Each scenario is an output folder holding one generation (real outputs: the kitchen-sink fixture's
and the shipped ones, edited, moved, dropped and added to at random), beside files of the user's own
and look-alike temporaries the generator did not make; and a regeneration to another set of files.
The regeneration runs in a forked process (the real `generate`: recovery, plan, write) that kills
itself just before its k-th change to the folder (a file created, linked, renamed or removed, a
folder made or removed), for every k in turn. Then the next run: either a recovery alone, after
which the folder must hold exactly the old generation or exactly the new one, with the manifest that
describes it, no journal and no temporary; or a whole `generate` of either set, which must succeed
without --force and leave exactly that set. The user's files are never touched. Sometimes the
recovery itself is killed part way, and the run after it must still end the same way.

    python tests/fuzz_writes.py --cases 300 --seed 0     (make fuzz; make test runs a few dozen)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import cli, output  # noqa: E402

SOURCES = [ROOT / "tests" / "golden" / "kitchen_sink" / "expected", ROOT / "generated"]
# What the user keeps in the output folder: notes beside the outputs, and trees with names that look
# like the generator's temporaries (an npm install, a virtualenv).
USER_FILES = {
    "NOTES.md": b"mine\n",
    "python/notes.txt": b"mine too\n",
    f"node_modules/pkg/.index.js{output.TMP_MARK}abc123": b"an npm file\n",
    f".venv/lib/.site.py{output.TMP_MARK}x": b"a venv file\n",
    f"docs/.index.md{output.TMP_MARK}0123456789abcdef": b"looks like ours, is not in a journal\n",
}
# Every call that changes the folder; the regeneration is killed just before one of them.
CHANGES = ("open", "link", "replace", "rename", "unlink", "mkdir", "rmdir")


@dataclass
class Stats:
    scenarios: int = 0
    killed: int = 0  # regenerations killed part way
    old: int = 0  # ... after which the next run's recovery left the old files
    new: int = 0  # ... or the new ones
    recoveries_killed: int = 0
    failures: list[str] = field(default_factory=list)


def generation(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != output.MANIFEST
    }


def edited(files: dict[str, bytes], rng: random.Random) -> dict[str, bytes]:
    """Another generation: some files changed, some dropped (orphans), some moved (a renamed module)
    or added in folders that do not exist yet."""
    out: dict[str, bytes] = {}
    for rel, data in files.items():
        roll = rng.random()
        if roll < 0.25:
            out[rel] = data + f"# edit {rng.randrange(10**6)}\n".encode()
        elif roll < 0.35:
            continue
        elif roll < 0.45:
            out[rel.replace(".", f"_{rng.randrange(100)}.", 1)] = data
        else:
            out[rel] = data
    for i in range(rng.randrange(3)):
        out[f"extra{rng.randrange(3)}/sub{i}/new_{rng.randrange(100)}.txt"] = f"new {i}\n".encode()
    return out


def expected(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, output.MANIFEST: output.manifest_bytes(files)}


def on_disk(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file() or p.is_symlink()}


def generate(out: Path, files: dict[str, bytes]) -> tuple[int, str]:
    """The CLI's generate, in this process: its exit status and what it printed."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), output.locked(out):
        code = cli.generate(files, argparse.Namespace(out=out, force=False))
    return code, err.getvalue()


def recover(out: Path) -> None:
    with contextlib.redirect_stderr(io.StringIO()), output.locked(out):
        output.recover(out)


def in_child(work: Callable[[], Any], kill_at: int | None) -> tuple[int, int]:
    """Run `work` in a forked process killed (SIGKILL) just before its `kill_at`-th change to the
    file system; returns (the number of changes it made or began, its wait status)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 3
        try:
            os.close(read_end)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            count = [0]
            install_hooks(count, kill_at, write_end)
            work()
            code = 0
        finally:
            os.write(write_end, str(count[0]).encode())
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        # The count arrives as the child exits; a killed child reports it before killing itself.
        told = pipe.read()
    _, status = os.waitpid(pid, 0)
    return int(told or b"0"), status


def install_hooks(count: list[int], kill_at: int | None, report: int) -> None:
    for name in CHANGES:
        real = getattr(os, name)

        def hooked(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            if _name == "open" and not (len(args) > 1 and args[1] & os.O_CREAT):
                return _real(*args, **kwargs)  # reading changes nothing
            count[0] += 1
            if count[0] == kill_at:
                os.write(report, str(count[0]).encode())
                os.kill(os.getpid(), signal.SIGKILL)
            return _real(*args, **kwargs)

        setattr(os, name, hooked)


def scenario(rng: random.Random, base: dict[str, bytes], budget: int, stats: Stats, work_dir: Path) -> int:
    """One regeneration, killed at each of its steps in turn (at most `budget` of them); the kills made."""
    old = edited(base, rng)
    new = edited(old if rng.random() < 0.7 else base, rng)
    out = work_dir / f"out{stats.scenarios}"

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        for rel, data in USER_FILES.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)
        code, err = generate(out, old)
        assert code == 0, err

    fresh()
    steps, status = in_child(lambda: generate(out, new), None)  # how many changes a whole run makes
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and on_disk(out) == {**expected(new), **USER_FILES}):
        stats.failures.append(f"scenario {stats.scenarios}: the regeneration, not killed, did not leave the new files")
        return 0
    kills = 0
    for kill_at in range(1, steps + 1)[:budget]:
        fresh()
        _, status = in_child(lambda: generate(out, new), kill_at)
        where = f"scenario {stats.scenarios}, killed before change {kill_at} of {steps}"
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            stats.failures.append(f"{where}: the regeneration was not killed (status {status})")
            continue
        kills += 1
        stats.killed += 1
        if rng.random() < 0.2:  # the recovery killed too, before one of its first changes
            _, status = in_child(lambda: recover(out), rng.randint(1, 8))
            stats.recoveries_killed += os.WIFSIGNALED(status)
        next_run = rng.choice(["recover", "generate old", "generate new"])
        if next_run == "recover":
            recover(out)
            now = on_disk(out)
            if now == {**expected(old), **USER_FILES}:
                stats.old += 1
            elif now == {**expected(new), **USER_FILES}:
                stats.new += 1
            else:
                stats.failures.append(f"{where}: after recovery, neither the old nor the new files:\n{describe(now, old, new)}")
        else:
            files = old if next_run == "generate old" else new
            code, err = generate(out, files)
            now = on_disk(out)
            if code != 0 or now != {**expected(files), **USER_FILES}:
                stats.failures.append(f"{where}: the next run ({next_run}) exited {code}:\n{err}{describe(now, old, new)}")
        if len(stats.failures) >= 5:
            break
    shutil.rmtree(out, ignore_errors=True)
    return kills


def describe(now: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> str:
    lines = []
    for rel in sorted(set(now) | set(expected(old)) | set(expected(new))):
        if rel in USER_FILES:
            continue
        state = now.get(rel)
        tag = "absent" if state is None else "old" if state == expected(old).get(rel) else "new" if state == expected(new).get(rel) else "other"
        lines.append(f"  {rel}: {tag}")
    return "\n".join(lines)


def run(cases: int, seed: int, steps_per_scenario: int = 1000) -> Stats:
    """At least `cases` killed regenerations (every step of each scenario, up to `steps_per_scenario`)."""
    rng = random.Random(seed)
    bases = [generation(source) for source in SOURCES]
    stats = Stats()
    # In memory where the machine has a tmpfs: the same renames, without waiting for the disk's fsyncs.
    memory = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="fuzz-writes-", dir=memory) as work:
        done = 0
        while done < cases and len(stats.failures) < 5:
            budget = min(steps_per_scenario, cases - done)
            done += scenario(rng, rng.choice(bases), budget, stats, Path(work)) or budget
            stats.scenarios += 1
    return stats


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.monotonic()
    stats = run(args.cases, args.seed)
    print(
        f"{stats.killed} regenerations killed in {stats.scenarios} scenarios ({time.monotonic() - started:.1f} s): "
        f"recovered to the old files {stats.old} times, to the new ones {stats.new} times, the rest regenerated; "
        f"{stats.recoveries_killed} recoveries killed too; {len(stats.failures)} failures"
    )
    for failure in stats.failures:
        print("\n" + failure)
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
