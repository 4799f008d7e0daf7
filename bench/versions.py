"""parse_event against bare json.loads on every Python from 3.10 to 3.13 installed, now and before.

The 15-payload mix of bench/run.py (one payload per event type, the realtime call with 6 SIP
headers), decoded by json.loads, by the generated module, and by the module as generated at commit
bede277 (read with `git show`), in interleaved rounds in one process per interpreter; CPU time.
Prints, per version, the median of the per-round throughput ratios and their interquartile range.

Usage: .venv/bin/python bench/versions.py [--rounds 61]   (part of `make bench-scale`)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_python_portability import VERSIONS, interpreter  # noqa: E402

BEFORE = "bede277"
MODULE = "generated/python/openai_webhooks.py"

PROBE = r"""
import importlib.util, json, statistics, sys, time
def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
now, before = load(sys.argv[1], "now"), load(sys.argv[2], "before")
payloads = [p.encode() for p in json.load(open(sys.argv[4], encoding="utf-8"))[0]["payloads"]]  # the first set: one of each type
def timed(fn, reps=40):
    t = time.process_time()
    for _ in range(reps):
        for p in payloads:
            fn(p)
    return time.process_time() - t
contenders = {"json.loads": json.loads, "now": now.parse_event, "before": before.parse_event}
for fn in contenders.values():
    timed(fn, 5)
ratios = {"now": [], "before": []}
for _ in range(int(sys.argv[3])):
    times = {k: timed(fn) for k, fn in contenders.items()}
    for k in ratios:
        ratios[k].append(times["json.loads"] / times[k])
out = {}
for k, v in ratios.items():
    q = statistics.quantiles(v, n=4)
    out[k] = [statistics.median(v), q[0], q[2]]
print(json.dumps({"version": sys.version.split()[0], **out}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=61)
    args = parser.parse_args()
    old = subprocess.run(["git", "show", f"{BEFORE}:{MODULE}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    # The payload sets of `make bench` (bench/sets.py), made once by the current interpreter.
    mix = subprocess.run([sys.executable, str(ROOT / "bench" / "payloads.py")], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "openai_webhooks_before.py"
        before.write_text(old, encoding="utf-8")
        payloads = Path(tmp) / "payloads.json"
        payloads.write_text(mix, encoding="utf-8")
        print("| Python | parse_event / json.loads, now (median, IQR) | before (bede277) | now / before |")
        print("|---|---:|---:|---:|")
        for version in VERSIONS:
            python = interpreter(version)
            if python is None:
                print(f"| {version} | not installed | | |")
                continue
            result = subprocess.run(
                [python, "-I", "-S", "-B", "-c", PROBE, str(ROOT / MODULE), str(before), str(args.rounds), str(payloads)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
            r = json.loads(result.stdout)
            n, b = r["now"], r["before"]
            print(f"| {r['version']} | {n[0]:.2f} ({n[1]:.2f}-{n[2]:.2f}) | {b[0]:.2f} ({b[1]:.2f}-{b[2]:.2f}) | {n[0] / b[0]:.2f}x |")


if __name__ == "__main__":
    main()
