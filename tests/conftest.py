from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

sys.dont_write_bytecode = True  # keep generated/ and tests/golden/ free of __pycache__

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openai_webhooks.yaml"
GENERATED = ROOT / "generated"
SEED = ROOT.parent / "shared" / "seed" / "000_88b63e6de2639f48.txt"


def import_path(path: Path, name: str) -> ModuleType:
    """Import a generated module from its file, under `name` (registered so dataclasses resolve it)."""
    existing = sys.modules.get(name)
    if existing is not None:
        assert Path(existing.__file__ or "").resolve() == path.resolve(), f"{name} is already {existing.__file__}"
        return existing
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
