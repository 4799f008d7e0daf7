"""Writes the typia contender for bench/node_bench.mjs: `typia.json.assertParse<Entry>` over the
generated TypeScript module's entry union (named by the loaded spec), as bench/typia/entry.ts.
typia writes the validator at compile time: bench/typia/tsconfig.json compiles it with ts-patch's
`tspc` and typia's transform, into .tsbuild/bench-typia/."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import spec  # noqa: E402

loaded = spec.load(spec.DEFAULT)
assert loaded.entry is not None, "the benchmark needs an entry union"
entry = loaded.entry.name.pascal
text = f"""// Written by bench/typia_entry.py from the spec: do not edit.
import typia from "typia";
import type {{ {entry} }} from "../../generated/typescript/{loaded.module}.js";

/** typia's validator for the entry union, generated at compile time from the module's types. */
export const assertParse = (text: string): {entry} => typia.json.assertParse<{entry}>(text);
"""
out = ROOT / "bench" / "typia" / "entry.ts"
out.parent.mkdir(exist_ok=True)
if not out.exists() or out.read_text() != text:
    out.write_text(text)
