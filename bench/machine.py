"""What a benchmark ran on, for the line above its tables."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe(load: bool = False) -> str:
    """CPU model, cores, OS and Python; with `load`, the load average as the run starts."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    text = f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    if load:
        average = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        text += f", load average {average:.1f} at start"
    return text
