"""What this machine and user offer the generator: its cores, and the cache's folder. Standard
library only: the standby process (generator/standby.py) reads both before anything else is imported."""

from __future__ import annotations

import os
from pathlib import Path


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
