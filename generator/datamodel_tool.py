"""datamodel-code-generator, run on a JSON Schema with the options of the pydantic target.

Apart from the target (generator/targets/pydantic.py) so that a process can import and run the tool
without importing the generator's targets: `generator/standby.py` starts one, before the spec is
even loaded, to import the tool (most of what a cold run on a small spec waits for).
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from typing import Any


class SeveralModules(Exception):
    """The tool wrote a package of modules, not one module."""


def warm_up() -> None:
    """Import what a run of the tool needs (about a third of a second), by a run on a schema of one
    class: its modules import much of what they use only when they run."""
    try:
        run({"title": "Warm", "type": "object", "properties": {"a": {"type": "string"}}}, "# warm")
    except Exception:
        pass  # the run on the spec reports whatever this was


def run(document: dict[str, Any], header_text: str) -> str:
    # Imported here: the other targets do not need it, and it takes a while to import.
    import datamodel_code_generator as dcg
    from datamodel_code_generator._shared_types import LiteralType
    from datamodel_code_generator.enums import DataModelType, ExtraFields, InputFileType, StrictTypes
    from datamodel_code_generator.format import PythonVersion

    generated = dcg.generate(
        json.dumps(document),
        input_file_type=InputFileType.JsonSchema,
        input_filename="schema.json",
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_310,
        custom_file_header=header_text,
        disable_timestamp=True,
        formatters=[],  # the pydantic target formats it, as black formats every other Python output
        use_title_as_name=True,
        use_schema_description=True,
        use_field_description=True,
        enum_field_as_literal=LiteralType.All,
        extra_fields=ExtraFields.Allow,
        strict_types=[StrictTypes.str, StrictTypes.int, StrictTypes.float, StrictTypes.bool],
        use_annotated=True,
        keep_model_order=True,
    )
    if not isinstance(generated, str):
        raise SeveralModules("datamodel-code-generator returned several modules, expected one")
    return flat_unions(generated)


# -- long unions ------------------------------------------------------------------------------------
#
# The tool writes a union as `A | B | C`, which CPython parses into a tree as deep as the union is
# long: compiling the module, and pydantic evaluating the annotation, recurse once per member (a
# RecursionError past about a thousand members), and `A | B` evaluated member by member builds a new
# union each time (quadratic). A union of more than LONG_UNION names is written `Union[A, B, C]`,
# which is flat; shorter ones keep the tool's spelling.

LONG_UNION = 50
_BEFORE_UNION = frozenset({"[", "(", ",", ":", "=", "|"})  # where an annotation's union can start
_AFTER_UNION = frozenset({"]", ")", ",", "=", "|"})  # and end (or at the end of the line)
_UNION_RUN = re.compile(r"\w+(?: \| \w+){%d}" % LONG_UNION)  # a cheap test that one may be there


def flat_unions(code: str) -> str:
    """`code` with every run of more than LONG_UNION names joined by `|` (outside strings and
    comments, between brackets, commas or `=`) written as `Union[...]`, and `Union` imported."""
    if not _UNION_RUN.search(code):
        return code
    line_starts = [0]
    for line in io.StringIO(code):
        line_starts.append(line_starts[-1] + len(line))
    runs: list[tuple[int, int, list[str]]] = []  # (start offset, end offset, names)
    # Streamed, one run of `name | name | ...` at a time: a list of every token would keep the
    # collector busy (hundreds of thousands of tuples) for a big schema.
    run: list[tokenize.TokenInfo] = []  # name, "|", name, ...
    before: tokenize.TokenInfo | None = None  # the token before the run
    previous: tokenize.TokenInfo | None = None
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if run and (_is(token, tokenize.OP, "|") if len(run) % 2 else token.type == tokenize.NAME):
            run.append(token)
        else:
            trailing_bar = bool(run) and len(run) % 2 == 0  # the last "|" precedes something else
            names, after = (run[:-1], run[-1]) if trailing_bar else (run, token)
            if (
                len(names) > 2 * LONG_UNION
                and _is_delimiter(before, _BEFORE_UNION)
                and _is_delimiter(after, _AFTER_UNION)
            ):
                (start_row, start_col), (end_row, end_col) = names[0].start, names[-1].end
                offsets = line_starts[start_row - 1] + start_col, line_starts[end_row - 1] + end_col
                runs.append((*offsets, [name.string for name in names[::2]]))
            run, before = ([token], previous) if token.type == tokenize.NAME else ([], None)
        previous = token
    if not runs:
        return code
    out = []
    end = 0
    for start, stop, members in runs:
        out += [code[end:start], f"Union[{', '.join(members)}]"]
        end = stop
    return _import_union("".join(out) + code[end:])


def _is(token: tokenize.TokenInfo, kind: int, text: str) -> bool:
    return token.type == kind and token.string == text


def _is_delimiter(token: tokenize.TokenInfo | None, delimiters: frozenset[str]) -> bool:
    if token is None:
        return False
    return token.type in (tokenize.NEWLINE, tokenize.NL) or token.type == tokenize.OP and token.string in delimiters


def _import_union(code: str) -> str:
    """`Union` added to the module's `from typing import ...` line, or imported on a line of its own."""
    typing_import = re.search(r"^from typing import ([\w, ]+)$", code, re.MULTILINE)
    if typing_import is not None:
        names = sorted({*typing_import[1].split(", "), "Union"})
        return code[: typing_import.start(1)] + ", ".join(names) + code[typing_import.end(1) :]
    future = re.search(r"^from __future__ import annotations\n", code, re.MULTILINE)
    at = future.end() if future is not None else 0
    return code[:at] + "from typing import Union\n" + code[at:]
