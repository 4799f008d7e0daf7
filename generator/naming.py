"""Spellings every target can derive from a spec name (which is written once, in snake_case).

Each target's own rules (reserved words, how a JSON key becomes an attribute) live in its module
under generator/targets/.
"""

from __future__ import annotations

import re

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
FIELD_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")


def pascal(snake: str) -> str:
    """`realtime_call_incoming` -> `RealtimeCallIncoming` (class names)."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def title(snake: str) -> str:
    """`fine_tuning_job` -> `Fine Tuning Job` (docs headings)."""
    return " ".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def singular(snake: str) -> str:
    """Item names of arrays: `sip_headers` -> `sip_header`, `entries` -> `entry`."""
    if snake.endswith("ies"):
        return snake[:-3] + "y"
    if snake.endswith("s") and not snake.endswith("ss"):
        return snake[:-1]
    return snake


def constant(snake: str) -> str:
    """Module-level constant spelling: `unwrap_webhook_event` -> `UNWRAP_WEBHOOK_EVENT`."""
    return snake.upper()
