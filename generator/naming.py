"""Every derived spelling comes from here: the spec spells a name once, in snake_case."""

from __future__ import annotations

import builtins
import keyword
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


# Names a generated class body uses besides its fields: a field spelled like one of them would
# shadow it there, so its attribute takes a trailing underscore, as keywords do.
CLASS_BODY_NAMES = frozenset(
    {"field", "classmethod", "frozenset", "dict", "str", "int", "float", "bool", "tuple", "self"}
    | {"extra_fields", "explicit_nulls", "to_dict", "from_dict"}
)

# Class names the generated Python module already defines or imports, and the builtins a type
# named in PascalCase could shadow (ValueError, ...): no spec type may take one of these names.
MODULE_NAMES = frozenset(
    {"WebhookDecodeError", "InvalidWebhookSignatureError", "UnknownWebhookEvent", "HeadersLike"}
    | {"Any", "Callable", "Final", "Literal", "Mapping", "NoReturn", "Protocol", "TypeAlias", "TypeVar", "Union"}
    | {name for name in dir(builtins) if name[:1].isupper()}
)


def py_attr(key: str) -> str:
    """A JSON key as a Python attribute: `from` -> `from_`, `dict` -> `dict_` (see CLASS_BODY_NAMES)."""
    return key + "_" if keyword.iskeyword(key) or key in CLASS_BODY_NAMES else key


def constant(snake: str) -> str:
    """Module-level constant spelling: `unwrap_webhook_event` -> `UNWRAP_WEBHOOK_EVENT`."""
    return snake.upper()
