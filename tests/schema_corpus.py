"""The agreement corpus (tests/corpus.py) with the stdlib module's verdicts, as JSON on stdout, for
the Node test that runs it through ajv (tests/node/json_schema.test.mjs): `python tests/schema_corpus.py`.

One entry per spec with committed outputs: the shipped spec (generated/) and every golden fixture
(tests/golden/*/expected/). Each names its schema file (relative to the repository) and lists the
cases built from the loaded spec, each with the JSON text sent and whether the stdlib module's
`parse_event(text, strict=True)` accepted it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from conftest import GENERATED, ROOT, SPEC, import_path
from corpus import corpus
from generator import spec


def outputs() -> list[tuple[Path, Path]]:
    """(spec, output folder) of the shipped spec and of every golden fixture."""
    golden = sorted((ROOT / "tests" / "golden").glob("*/spec.yaml"))
    return [(SPEC, GENERATED)] + [(path, path.parent / "expected") for path in golden]


def entry(spec_path: Path, out: Path) -> dict[str, Any]:
    loaded = spec.load(spec_path)
    name = loaded.module
    module = import_path(out / "python" / f"{name}.py", name)
    cases = []
    for case in corpus(loaded):
        text = json.dumps(case.payload)
        try:
            module.parse_event(text, strict=True)
            accepted = True
        except module.WebhookDecodeError:
            accepted = False
        cases.append({"name": case.name, "text": text, "valid": accepted, "kind": case.kind})
    schema = out / "schema" / f"{name}.schema.json"
    return {"spec": spec_path.relative_to(ROOT).as_posix(), "schema": schema.relative_to(ROOT).as_posix(), "cases": cases}


if __name__ == "__main__":
    json.dump([entry(*pair) for pair in outputs()], sys.stdout)
