"""The benchmark's payloads (bench/run.py's mix) as a JSON array of strings, for bench/node_bench.mjs."""

from __future__ import annotations

import json
import sys

from run import mix

json.dump([p.decode() for p in mix()], sys.stdout)
