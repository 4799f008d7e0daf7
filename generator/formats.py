"""String formats (`format:` on a string field): what each one accepts, as one regular expression.

Every decoder checks a format with the same expression, so they agree by construction: the stdlib
Python module (`re.fullmatch`), the TypeScript module (`RegExp`), the msgspec module
(`msgspec.Meta(pattern=...)`, checked in C) and the pydantic module (`Field(pattern=...)`). The
generated modules import nothing outside the standard library, so no validator package is used;
one expression per format keeps the hand-written checks small enough to read.

The expressions use only what Python's `re`, JavaScript's `RegExp` (no flags) and Rust's `regex`
(pydantic's) read alike: `[0-9]` rather than `\\d` (Unicode digits in Python), no look-arounds, no
flags (case is spelled out: `[Tt]`). spec/README.md ("String formats") says in words what each
accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

# A real calendar date: months of 28 to 31 days, 29 February only in leap years (divisible by 4,
# centuries only when divisible by 400; year 0000 is one, as in the proleptic Gregorian calendar).
_DATE = (
    "(?:[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
)
# RFC 3339 section 5.6: full-date "T" full-time; "T" and "Z" may be lower case; seconds up to 60
# (a leap second); fraction of any length; the offset is required (Z or +hh:mm/-hh:mm).
_DATE_TIME = (
    _DATE
    + "[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?"
    + "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
# RFC 4122's text form, any version, either case: 8-4-4-4-12 hexadecimal digits.
_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# local@domain: a dot-atom local part (RFC 5322's atext, ASCII), a domain of two or more labels of
# letters, digits and inner hyphens (at most 63 characters each). No quoted local parts, no IP
# literals: the form ajv-formats checks, and what mail systems deliver to in practice.
_ATEXT = "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_EMAIL = f"{_ATEXT}+(?:\\.{_ATEXT}+)*@(?:{_LABEL}\\.)+{_LABEL}"
# An absolute URI (RFC 3986): a scheme, ':', then only characters a URI may hold (unreserved,
# reserved, and '%' followed by two hexadecimal digits). Lighter than RFC 3986's full grammar (it
# does not check where '[', ']' and '#' stand): no space, no non-ASCII, no relative reference.
_URI = "[a-zA-Z][a-zA-Z0-9+.-]*:(?:[a-zA-Z0-9._~:/?#\\[\\]@!$&'()*+,;=-]|%[0-9a-fA-F]{2})*"


@dataclass(frozen=True)
class Format:
    name: str  # as the spec writes it, and JSON Schema's `format`
    pattern: str  # the whole value matches it (each target anchors it its own way)
    expected: str  # how an error names what was expected: `expected <this>, got ...`

    @property
    def ident(self) -> str:
        """A name for code: `date_time`."""
        return self.name.replace("-", "_")


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("date-time", _DATE_TIME, "an RFC 3339 date-time"),
        Format("date", _DATE, "a date (YYYY-MM-DD)"),
        Format("uri", _URI, "an absolute URI"),
        Format("email", _EMAIL, "an email address"),
        Format("uuid", _UUID, "a UUID"),
    )
}


def of(name: str) -> Format:
    return FORMATS[name]
