"""Scale benchmark: generation, memory, import and decoding for synthetic specs of N events, in one run.

For each N (15, 100, 1,000 by default) it builds a synthetic spec from the kitchen-sink fixture
(bench/synthetic.py: every construct of the spec language), then measures, each in a fresh child
process:

- generation time, cold (empty caches) and after a one-event edit (warm caches), wall and CPU
  (user + sys of the process and its workers), and peak memory (largest resident set of any of them);
  the median of 5 runs for specs of up to 100 events (`--repeat`), with their range;
- import time of the generated module (`python -I -S`, bytecode present), median of several starts
  minus an empty interpreter's start;
- parse_event throughput against bare json.loads on one payload per event type (at most 200),
  interleaved rounds, median of per-round ratios with the spread.

The same for the generator before this work (commit bede277, extracted with `git archive` into a
temporary folder, on the same spec written in the language it knows, see `for_before`; it has no
cache, so its "edit" figure is its cold one), and generation time and
peak memory of datamodel-code-generator (pydantic v2 models) on an equivalent JSON Schema, with the
import time of what it generates (pydantic included: it cannot import without it).

Usage: make bench-scale  (or .venv/bin/python bench/scale.py [--sizes 15,100] [--no-old] [--no-dmcg])
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

import machine  # noqa: E402
import synthetic  # noqa: E402
from examples import example  # noqa: E402

from generator import model, spec  # noqa: E402
from generator.targets import json_schema as json_schema_target  # noqa: E402
from generator.targets import pydantic as pydantic_target  # noqa: E402

BEFORE = "bede277"  # the generator before the speed work

# Figures quoted in the issue, for the record beside what this run measures.
ISSUE = {"generate 15 (shipped spec)": "1.1-1.3 s", "generate 100": "8.9 s", "generate 1000": "111 s, 949 MB"}


def measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run `cmd` under a small wrapper that reports its children's CPU time and peak memory."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'rc': r.returncode, 'err': r.stderr[-2000:], 'wall': wall, 'cpu': u.ru_utime + u.ru_stime, 'rss_mb': u.ru_maxrss / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {result['err']}")
    return result


def generate(root: Path, spec_path: Path, out: Path, cache: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    if cache is not None:
        env["WEBHOOKGEN_CACHE_DIR"] = str(cache)
    return measured([sys.executable, "-m", "generator", "generate", "--spec", str(spec_path), "--out", str(out)], root, env)


def import_ms(folder: Path, module: str, runs: int, isolated: bool = True) -> float:
    """Median milliseconds to import `module` from `folder`, bytecode compiled beforehand, minus an empty start."""
    flags = ["-I", "-S"] if isolated else ["-I"]
    prefix = folder / "__bench_pycache__"
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix)}
    code = f"import sys; sys.path.insert(0, {str(folder)!r}); import {module}"
    subprocess.run([sys.executable, *flags, "-X", f"pycache_prefix={prefix}", "-c", code], check=True, env=env)

    def start(c: str) -> float:
        t = time.perf_counter()
        subprocess.run([sys.executable, *flags, "-X", f"pycache_prefix={prefix}", "-c", c], check=True, env=env)
        return time.perf_counter() - t

    times = []
    for _ in range(runs):  # interleaved with the empty start, so load changes hit both
        empty = start("pass")
        times.append(start(code) - empty)
    return statistics.median(times) * 1e3


THROUGHPUT = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
sets = {name: [p.encode() for p in json.loads(open(path).read())] for name, path in json.loads(sys.argv[3]).items()}
modules = {}
for name, folder in json.loads(sys.argv[4]).items():
    sys.path.insert(0, folder)
    modules[name] = __import__(sys.argv[2])
    sys.path.remove(folder)
    del sys.modules[sys.argv[2]]
rounds = int(sys.argv[5])
loads = json.loads
# Each module on the payloads of its own spec that it accepts (the old generator's are examples of
# the spec in its older language, see for_before), json.loads on the same.
accepted = {}
for name, m in modules.items():
    accepted[name] = []
    for p in sets[name]:
        try:
            m.parse_event(p)
        except Exception:
            continue
        accepted[name].append(p)
def timed(fn, ps):
    reps = max(1, 3000 // len(ps))
    t = time.process_time()
    for _ in range(reps):
        for p in ps:
            fn(p)
    return (time.process_time() - t) / reps / len(ps)
ratios = {name: [] for name in modules}
per_event = {name: [] for name in ["json.loads", *modules]}
for _ in range(rounds):
    for name, m in modules.items():
        if not accepted[name]:
            continue
        base, own = timed(loads, accepted[name]), timed(m.parse_event, accepted[name])
        ratios[name].append(base / own)
        per_event[name].append(own)
        if name == "new":
            per_event["json.loads"].append(base)
print(json.dumps({"ratios": ratios, "per_event": {k: statistics.median(v) for k, v in per_event.items() if v}, "accepted": {k: len(v) for k, v in accepted.items()}}))
"""


def throughput(modules: dict[str, Path], module: str, payloads: dict[str, Path], rounds: int) -> dict[str, Any]:
    """parse_event of each module vs json.loads, interleaved in one process; CPU time per round."""
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", THROUGHPUT, str(ROOT), module, json.dumps({k: str(v) for k, v in payloads.items()}), json.dumps({k: str(v) for k, v in modules.items()}), str(rounds)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    data = json.loads(out.stdout)
    result: dict[str, Any] = {"per_event_us": {k: v * 1e6 for k, v in data["per_event"].items()}, "accepted": data["accepted"]}
    for name, ratios in data["ratios"].items():
        if not ratios:
            ratios = [float("nan")]
        q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
        result[name] = (statistics.median(ratios), q[0], q[2], min(ratios), max(ratios))
    return result


def sample_payloads(loaded: model.Spec, limit: int = 200) -> list[str]:
    """The first `limit` event types: the same mix of rich and small events at every N."""
    assert loaded.entry is not None
    return [json.dumps(example(m.object, loaded, 0)) for m in loaded.entry.members[:limit]]


SHIPPED = ROOT / "spec" / "openai_webhooks.yaml"
SHIPPED_EDIT = ("Sent when a batch API request has been cancelled.", "Sent when a batch API request has been cancelled (edited).")


# The kitchen-sink fixture as it was when issue 16 set its speed targets (commit cf6a3bd): the
# fixture has grown since with every construct of the spec language, and at 1,000 events its
# synthetic spec is 3.4 times as long. `--sizes 1000@targets` builds from this one.
KITCHEN_OF_THE_TARGETS = ROOT / "bench" / "kitchen_sink_of_the_targets.yaml"


def write_spec(folder: Path, n: int | None, edit: bool = False, kitchen: Path = synthetic.KITCHEN) -> Path:
    """The synthetic spec of `n` events from `kitchen`, or the shipped one (n is None), with one event's
    description edited or not."""
    if n is not None:
        path = synthetic.write(folder, n, kitchen=kitchen)
        if edit:
            path.write_text(synthetic.spec_text(n, edit=n // 2, kitchen=kitchen), encoding="utf-8")
        return path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SHIPPED.name
    text = SHIPPED.read_text(encoding="utf-8")
    path.write_text(text.replace(*SHIPPED_EDIT, 1) if edit else text, encoding="utf-8")
    return path


# Constructs the generator of BEFORE predates (see for_before).
GONE = ("standalone", "json", "deprecated", "format", "vendor_format", "other_values")


def for_before(path: Path, folder: Path, standalone: bool = False) -> Path:
    """The spec in the language of BEFORE, which refuses what was added since: the same events, fields
    and nesting, for about the same amount of work. Named scalars and enums are written out where
    they are used, `extends:` copies the parents' fields in, `one_of` becomes its first member (and a tag's
    variants their first), `json`
    a string and `object` a map of strings, numeric enum values strings; `standalone:`, `json:`,
    `deprecated:`, `format:`, `vendor_format:`, `other_values:`, the descriptions of items and values and the top-level
    `site:` are dropped. With `standalone`, every object type says `standalone: true`: the same spec for
    today's loader (which asks it of a type nothing refers to), to write payloads that module accepts."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    types: dict[str, Any] = data["types"]
    named = {k: v for k, v in types.items() if "fields" not in v and "union" not in v}

    def shape(node: Any) -> Any:
        """A field's or an element's type, as a mapping (a bare name is `{type: name}`)."""
        if isinstance(node, str):
            node = {"type": node}
        node = {k: v for k, v in node.items() if k not in GONE}
        if "one_of" in node:
            node.update(shape(node.pop("one_of")[0]))
        if node.get("type") in named:
            alias = named[node.pop("type")]
            node = {**shape({k: v for k, v in alias.items() if k != "description"}), **node}
        if node.get("type") == "json":
            node["type"] = "string"
        elif node.get("type") == "object":
            del node["type"]
            node["values"] = {"type": "string"}
        if "enum" in node:
            node["enum"] = [str(v) for v in node["enum"]]
        if isinstance(node.get("fields"), dict):
            node["fields"] = {k: shape(v) for k, v in node["fields"].items()}
        for key in ("items", "values"):
            if key in node:
                element = shape(node[key])
                element.pop("description", None)
                node[key] = element
        return node

    def fields(name: str) -> dict[str, Any]:
        t = types[name]
        inherited: dict[str, Any] = {}
        for parent in t.get("extends", []):
            inherited.update(fields(parent))
        return {**inherited, **t["fields"]}

    later_variants = {v for t in types.values() for m in t.get("union", []) if isinstance(m, list) for v in m[1:]}
    out: dict[str, Any] = {}
    for name, t in types.items():
        if name in named or (name in later_variants and not standalone):
            continue
        if "union" in t:
            # a tag's variants (a nested list): BEFORE takes one member per tag, the first variant
            members = [m[0] if isinstance(m, list) else m for m in t["union"]]
            out[name] = {k: v for k, v in t.items() if k in ("description", "discriminator")} | {"union": members}
        else:
            body = {k: v for k, v in t.items() if k == "description"} | ({"standalone": True} if standalone else {})
            out[name] = {**body, "fields": {k: shape(v) for k, v in fields(name).items()}}
    data = {k: v for k, v in data.items() if k in ("title", "page", "module", "entry")} | {"types": out}
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / path.name
    result.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return result


# -- JSON Schema for datamodel-code-generator: the JSON Schema target's own document -------------


def json_schema(loaded: model.Spec) -> dict[str, Any]:
    """The JSON Schema target's document, its string formats written as the patterns our pydantic
    target gives the tool (the tool would map `email` to EmailStr, which needs a package that
    neither output requires)."""
    document = json_schema_target.document(loaded)
    pydantic_target.as_patterns(document)
    return document


def datamodel_codegen(schema: Path, out: Path) -> dict[str, float]:
    exe = Path(sys.executable).with_name("datamodel-codegen")
    cmd = [str(exe), "--input", str(schema), "--input-file-type", "jsonschema", "--output", str(out)]
    cmd += ["--output-model-type", "pydantic_v2.BaseModel", "--target-python-version", "3.10", "--disable-timestamp"]
    return measured(cmd, out.parent)


# -- the run ------------------------------------------------------------------------------------


def extract_before(folder: Path) -> Path:
    """The generator and templates of commit BEFORE, as files (no worktree, no checkout)."""
    archive = subprocess.run(["git", "archive", BEFORE, "generator", "templates"], cwd=ROOT, capture_output=True, check=True).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def median_run(runs: list[dict[str, float]]) -> dict[str, Any]:
    """The run of median wall time, with the range of all of them."""
    ordered = sorted(runs, key=lambda r: r["wall"])
    return {**ordered[len(ordered) // 2], "runs": len(runs), "low": ordered[0]["wall"], "high": ordered[-1]["wall"]}


def fmt_s(r: dict[str, Any]) -> str:
    spread = f", {r['low']:.2f}-{r['high']:.2f} s over {r['runs']} runs" if r.get("runs", 1) > 1 else ""
    return f"{r['wall']:.2f} s ({r['cpu']:.2f} s CPU{spread})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--sizes",
        default="shipped,15,100,1000,1000@targets",
        help="`shipped` is spec/openai_webhooks.yaml; N@targets builds from the fixture the issue's targets were set on",
    )
    parser.add_argument("--rounds", type=int, default=21, help="interleaved throughput rounds")
    parser.add_argument("--repeat", type=int, default=5, help="generation runs per spec of up to 100 events (median)")
    parser.add_argument("--imports", type=int, default=11, help="interpreter starts per import figure")
    parser.add_argument("--no-old", action="store_true", help=f"skip the generator of {BEFORE}")
    parser.add_argument("--no-dmcg", action="store_true", help="skip datamodel-code-generator")
    args = parser.parse_args()
    sizes: list[tuple[int | None, Path]] = [
        (None, synthetic.KITCHEN)
        if s == "shipped"
        else (int(s.removesuffix("@targets")), KITCHEN_OF_THE_TARGETS if s.endswith("@targets") else synthetic.KITCHEN)
        for s in args.sizes.split(",")
    ]
    work = Path(tempfile.mkdtemp(prefix="webhookgen-scale-"))
    rows: list[dict[str, Any]] = []
    try:
        old_root = None if args.no_old else extract_before(work / "before")
        for index, (n, kitchen) in enumerate(sizes):
            print(f"N={n or 'shipped'} ({kitchen.name}) ...", file=sys.stderr, flush=True)
            spec_path = write_spec(work / f"specs_{index}", n, kitchen=kitchen)
            loaded = spec.load(spec_path)
            module = loaded.module
            label = f"{n:,}" if n else f"shipped ({len(loaded.entry.members) if loaded.entry else 0})"
            if kitchen == KITCHEN_OF_THE_TARGETS:
                label += ", the targets' fixture"
            row: dict[str, Any] = {"n": n, "label": label, "spec_lines": spec_path.read_text().count("\n")}
            # Small specs generate in about a second, where a busy machine's noise is a large part:
            # several runs, each with an empty output folder and cache, and their median.
            repeats = args.repeat if n is None or n <= 100 else 1
            colds, edits = [], []
            for i in range(repeats):
                new_out, cache = work / f"new_{index}_{i}", work / f"cache_{index}_{i}"
                colds.append(generate(ROOT, spec_path, new_out, cache))
                write_spec(work / f"specs_{index}", n, edit=True, kitchen=kitchen)
                edits.append(generate(ROOT, spec_path, new_out, cache))
                write_spec(work / f"specs_{index}", n, kitchen=kitchen)
            row["new_cold"], row["new_edit"] = median_run(colds), median_run(edits)
            modules = {"new": new_out / "python"}
            row["new_import_ms"] = import_ms(new_out / "python", module, args.imports)
            row["lines"] = (new_out / "python" / f"{module}.py").read_text().count("\n")
            if old_root is not None:
                before_spec = for_before(spec_path, work / f"specs_before_{index}")
                olds = [generate(old_root, before_spec, work / f"old_{index}_{i}", None) for i in range(repeats)]
                row["old_cold"] = median_run(olds)
                old_out = work / f"old_{index}_0"
                modules["old"] = old_out / "python"
                row["old_import_ms"] = import_ms(old_out / "python", module, args.imports)
            if not args.no_dmcg:
                schema = work / f"schema_{index}.json"
                schema.write_text(json.dumps(json_schema(loaded)), encoding="utf-8")
                dm_out = work / f"dmcg_{index}" / "dm_models.py"
                dm_out.parent.mkdir()
                row["dmcg"] = datamodel_codegen(schema, dm_out)
                row["dmcg_import_ms"] = import_ms(dm_out.parent, "dm_models", max(3, args.imports // 2), isolated=False)
            payloads = work / f"payloads_{index}.json"
            payloads.write_text(json.dumps(sample_payloads(loaded)), encoding="utf-8")
            row["payloads"] = len(json.loads(payloads.read_text()))
            sets = {"new": payloads}
            if "old" in modules:
                sets["old"] = work / f"payloads_{index}_before.json"
                today = for_before(spec_path, work / f"specs_before_today_{index}", standalone=True)
                sets["old"].write_text(json.dumps(sample_payloads(spec.load(today))), encoding="utf-8")
            row["throughput"] = throughput(modules, module, sets, args.rounds)
            rows.append(row)
            print(json.dumps(row, default=str), file=sys.stderr, flush=True)  # each size's figures as they come
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(rows, args)


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"Machine: {machine.describe(load=True)}.")
    print(f"The shipped spec, then synthetic specs of N events from the kitchen-sink fixture; wall time (CPU time of the process and its workers); before = {BEFORE}.\n")
    print("| N events | spec lines | module lines | generate cold | after a one-event edit | peak memory | import (-I -S) | parse_event / json.loads (median, IQR) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        t = r["throughput"]["new"]
        print(
            f"| {r['label']} | {r['spec_lines']:,} | {r['lines']:,} | {fmt_s(r['new_cold'])} | {fmt_s(r['new_edit'])} | {r['new_cold']['rss_mb']:.0f} MB |"
            f" {r['new_import_ms']:.1f} ms | {t[0]:.2f} ({t[1]:.2f}-{t[2]:.2f}) |"
        )
    if not args.no_old:
        print(f"\nBefore ({BEFORE}), and now against it (ratios of times: > 1 means now is faster):\n")
        print("| N events | generate cold | peak memory | import | parse_event / json.loads | generate cold, before/now | edit, before/now | memory, before/now | import, before/now | throughput, now/before |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            o, t = r["old_cold"], r["throughput"]
            print(
                f"| {r['label']} | {fmt_s(o)} | {o['rss_mb']:.0f} MB | {r['old_import_ms']:.1f} ms | {t['old'][0]:.2f} ({t['old'][1]:.2f}-{t['old'][2]:.2f}) |"
                f" {o['wall'] / r['new_cold']['wall']:.1f}x | {o['wall'] / r['new_edit']['wall']:.1f}x | {o['rss_mb'] / r['new_cold']['rss_mb']:.1f}x |"
                f" {r['old_import_ms'] / r['new_import_ms']:.1f}x | {t['new'][0] / t['old'][0]:.2f}x |"
            )
        print(f"\nThe issue's figures for the old generator: {'; '.join(f'{k}: {v}' for k, v in ISSUE.items())}.")
    if not args.no_dmcg:
        print("\ndatamodel-code-generator 0.89.0 (pydantic v2 models) on an equivalent JSON Schema:\n")
        print("| N events | generate | peak memory | import (pydantic included) | our generate cold, faster by | our import, faster by |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            d = r["dmcg"]
            print(
                f"| {r['label']} | {fmt_s(d)} | {d['rss_mb']:.0f} MB | {r['dmcg_import_ms']:.1f} ms |"
                f" {d['wall'] / r['new_cold']['wall']:.1f}x | {r['dmcg_import_ms'] / r['new_import_ms']:.1f}x |"
            )
    print("\nParse throughput: one payload per event type (at most 200), CPU time, interleaved rounds; µs per event:")
    for r in rows:
        per = r["throughput"]["per_event_us"]
        accepted = ", ".join(f"{k} accepts {v}" for k, v in r["throughput"]["accepted"].items())
        print(f"- {r['label']} ({r['payloads']} payloads; {accepted}): " + ", ".join(f"{k} {v:.2f}" for k, v in per.items()))


if __name__ == "__main__":
    main()
