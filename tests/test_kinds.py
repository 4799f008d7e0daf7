"""Every kind of field, through the loader and through every target, in-process.

`KINDS` has one row per type class of the model. A new class in `model.Type` fails
`test_every_kind_has_a_row` until it gets one; each other test is named `<target>-<kind>`.
"""

from __future__ import annotations

import ast
import json
import re
import textwrap
import typing
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import jsonschema
import pydantic
import pytest

from conftest import import_path
from generator import model, render, spec
from generator.targets import docs_cli, json_schema
from generator.targets import msgspec as msgspec_target
from generator.targets import pydantic as pydantic_target
from generator.targets import python as python_target

# kind -> (the field as the spec writes it, a valid JSON value, an invalid one)
KINDS: dict[type, tuple[str, Any, Any]] = {
    model.String: ("{type: string}", "a", 1),
    model.Integer: ("{type: integer}", 3, 3.5),
    model.Float: ("{type: float}", 1.5, "1.5"),
    model.Boolean: ("{type: boolean}", True, 1),
    # any JSON value is one: the bad one makes the payload's text not JSON (json.dumps writes NaN)
    model.Json: ("{type: json}", {"a": [1, 2.5, None, True, "s", {}]}, float("nan")),
    model.Literal: ("{literal: on_time}", "on_time", "late"),
    model.Enum: ("{enum: [a, b]}", "b", "c"),
    model.Array: ("{items: string}", ["a", "b"], ["a", 2]),
    model.Map: ("{values: integer}", {"k": 1}, {"k": "x"}),
    model.Nullable: ("{type: string, nullable: true}", None, 2),
    model.OneOf: ("{one_of: [integer, other]}", {"x": "a"}, {"x": 1}),
    model.Ref: ("{type: other}", {"x": "a"}, {"x": 1}),
    model.Named: ("{type: code}", "b", "c"),  # a named enum (`code` below)
    model.Object: ("{fields: {y: {type: integer}}}", {"y": 1}, {"y": "1"}),
}
IDS = [k.__name__ for k in KINDS]
SPEC = """\
title: Tiny
page: tiny/index.md
module: tiny_{kind}
entry: tiny_event
types:
  other:
    fields:
      x: {{type: string}}
  thing:
    fields:
      type: {{literal: thing}}
      f: {field}
      o: {{type: other, optional: true}}
  tiny_event:
    discriminator: type
    union: [thing]
  code:
    enum: [a, b]
    standalone: true
"""


def tiny(kind: type) -> model.Spec:
    return spec.parse(SPEC.format(kind=kind.__name__.lower(), field=KINDS[kind][0]), "tiny.yaml", "tiny.yaml")


def field_type(loaded: model.Spec) -> model.Type:
    thing = loaded.definition(model.Name("thing"))
    assert isinstance(thing, model.Object)
    return next(f.type for f in thing.fields if f.key == "f")


def payload(value: Any) -> str:
    return json.dumps({"type": "thing", "f": value})


def bad_path(kind: type) -> str:
    """Where the decoders report the row's bad value: at the field, or (not JSON at all) at the top."""
    return "$" if kind is model.Json else "$.f"


def generated(kind: type, target: str, tmp_path: Path) -> ModuleType:
    """Render one target of the tiny spec and import it."""
    loaded = tiny(kind)
    chosen = {"python": python_target, "pydantic": pydantic_target, "msgspec": msgspec_target}[target]
    files = render.render(loaded, targets=(chosen.TARGET,))
    (rel, text), = files.items()
    path = tmp_path / Path(rel).name
    path.write_text(text, encoding="utf-8")
    return import_path(path, path.stem)


def test_every_kind_has_a_row() -> None:
    missing = set(typing.get_args(model.Type)) - set(KINDS)
    assert not missing, f"add a row to KINDS for {sorted(k.__name__ for k in missing)}"


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_loader(kind: type) -> None:
    assert type(field_type(tiny(kind))) is kind, f"loader-{kind.__name__}"


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_python(kind: type, tmp_path: Path) -> None:
    module = generated(kind, "python", tmp_path)
    _, good, bad = KINDS[kind]
    event = module.parse_event(payload(good), strict=True)
    assert event.f == (tuple(good) if isinstance(good, list) else good) or hasattr(event.f, "to_dict")
    assert event.to_dict() == json.loads(payload(good))
    with pytest.raises(module.WebhookDecodeError) as e:
        module.parse_event(payload(bad), strict=True)
    assert e.value.path.startswith(bad_path(kind)), f"python-{kind.__name__}: {e.value}"


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_python_mapper_views(kind: type) -> None:
    t = field_type(tiny(kind))
    assert python_target.annotation(t)
    compile(python_target.decode(t, "x"), "<decode>", "eval")
    compile(python_target.decoder(t), "<decoder>", "eval")
    compile(python_target.encode(t, "self.f"), "<encode>", "eval")


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_docs_cli(kind: type) -> None:
    loaded = tiny(kind)
    t = field_type(loaded)
    summary = docs_cli.summary(t)
    assert summary
    page = render.render(loaded, targets=(docs_cli.TARGET,))["docs/tiny/index.md"]
    assert f"- `f: {summary}`" in page, f"docs_cli-{kind.__name__}"


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_json_schema(kind: type) -> None:
    document = json_schema.document(tiny(kind))
    jsonschema.Draft202012Validator.check_schema(document)
    validator = jsonschema.Draft202012Validator(document)
    _, good, bad = KINDS[kind]
    assert validator.is_valid(json.loads(payload(good))), f"json_schema-{kind.__name__}"
    if kind is model.Json:  # a schema validates JSON values, and every one is a `type: json`'s
        assert all(validator.is_valid({"type": "thing", "f": v}) for v in (None, 1, "s", [{}], {"k": [None]}))
    else:
        assert not validator.is_valid(json.loads(payload(bad))), f"json_schema-{kind.__name__}"


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_pydantic(kind: type, tmp_path: Path) -> None:
    module = generated(kind, "pydantic", tmp_path)
    _, good, bad = KINDS[kind]
    assert module.TinyEvent.model_validate_json(payload(good)).model_dump(mode="json", by_alias=True, exclude_unset=True) == json.loads(payload(good))
    if kind is model.Json:  # README's table: pydantic's JSON reader takes NaN into `Any` (and dumps it as null)
        assert module.TinyEvent.model_validate_json(payload(bad)), "pydantic now refuses NaN: drop the difference"
        return
    with pytest.raises(pydantic.ValidationError):
        module.TinyEvent.model_validate_json(payload(bad))


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_msgspec(kind: type, tmp_path: Path) -> None:
    module = generated(kind, "msgspec", tmp_path)
    _, good, bad = KINDS[kind]
    assert module.parse_event(payload(good), strict=True).to_dict() == json.loads(payload(good))
    with pytest.raises(module.WebhookDecodeError) as e:
        module.parse_event(payload(bad), strict=True)
    assert e.value.path.startswith(bad_path(kind)), f"msgspec-{kind.__name__}: {e.value}"


def test_templates_only_print() -> None:
    """Decisions live in the mappers: no template dispatches on a type."""
    templates = Path(__file__).resolve().parent.parent / "templates"
    for path in templates.rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        for word in (".kind", "is string", "is boolean", "is number"):
            assert word not in text, f"{path.relative_to(templates)} decides on a type ({word!r})"


NEW_KINDS = """\
@dataclass(frozen=True)
class Uuid:
    \"\"\"A new scalar kind.\"\"\"


@dataclass(frozen=True)
class Pair:
    \"\"\"A new container kind.\"\"\"

    first: Type
    second: Type


"""


def walkers(path: Path) -> set[tuple[str, str]]:
    """(file, function) for each function of `path` with a `match` over a parameter of one of the
    model's type unions (or the loader's shapes) that ends in `case _: assert_never(...)`: every
    such function must handle a new kind."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for scope, function in functions(tree):
        typed = {a.arg: ast.unparse(a.annotation) for a in function.args.args if a.annotation is not None}
        for node in ast.walk(function):
            if not isinstance(node, ast.Match) or not isinstance(node.subject, ast.Name):
                continue
            annotation = typed.get(node.subject.id, "")
            last = node.cases[-1]
            exhaustive = isinstance(last.pattern, ast.MatchAs) and last.pattern.pattern is None and "assert_never" in ast.unparse(last.body[0])
            if exhaustive and re.search(r"\b(Type|Shape)\b", annotation):
                found.add((path.name, scope))
    return found


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef):
            yield prefix + node.name, node
            yield from functions(node, prefix + node.name + ".")
        elif isinstance(node, ast.ClassDef):
            yield from functions(node, prefix + node.name + ".")


def enclosing(path: Path, line: int) -> str:
    """The innermost function around `line` of `path`."""
    best = ""
    for scope, function in functions(ast.parse(path.read_text(encoding="utf-8"))):
        if function.lineno <= line <= (function.end_lineno or function.lineno):
            best = scope
    return best


def test_readme_lists_every_walk() -> None:
    """README's "Adding a field kind" names, file by file, exactly the functions that walk the
    model's types (the ones the mypy test below expects mypy to name), besides the loader's branch."""
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Adding a field kind") :]
    section = section[: section.index("the pydantic module follows")]
    listed = {
        (file, name)
        for file, inside in re.findall(r"`(?:[\w/]*/)?(\w+\.py)`\s\(([^()]*)\)", section)
        for name in re.findall(r"`(\w+)`", inside)
    }
    found = set().union(*(walkers(p) for p in [*(root / "generator").rglob("*.py"), root / "tests" / "corpus.py"]))
    assert found - listed == set(), "README's list misses these walks"
    loader = {("model.py", "Type"), ("spec.py", "Shape"), ("spec.py", "type_of")}  # the class and the loader's branch
    assert listed - found == loader, "README lists what is not a walk"


def test_mypy_names_every_function_that_misses_a_new_kind(tmp_path: Path) -> None:
    """A new scalar kind, a new container kind (and the loader's key that declares it) added to a
    copy of the model: mypy fails in every function that walks the model's types, each naming
    both kinds, in the generator and in the test corpus, until it handles them."""
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    copy = tmp_path / "generator"
    shutil.copytree(root / "generator", copy, ignore=shutil.ignore_patterns("__pycache__"))
    for helper in ("corpus.py", "examples.py"):
        shutil.copy(root / "tests" / helper, tmp_path / helper)
    model_py = copy / "model.py"
    text = model_py.read_text(encoding="utf-8")
    assert text.count("\nType = Union[") == 1
    model_py.write_text(text.replace("\nType = Union[", "\n" + NEW_KINDS + "Type = Union[Uuid, Pair, "), encoding="utf-8")
    spec_py = copy / "spec.py"
    text = spec_py.read_text(encoding="utf-8")
    assert text.count("Shape = Literal[") == 1
    spec_py.write_text(text.replace("Shape = Literal[", 'Shape = Literal["pair", '), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", "generator", "corpus.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    flagged: dict[tuple[str, str], str] = {}
    for line in result.stdout.splitlines():
        where = re.match(r"(.+?\.py):(\d+): error: (.*)", line)
        if where and re.search(r"Uuid|Pair|'pair'", where[3]):
            path = tmp_path / where[1]
            flagged[(path.name, enclosing(path, int(where[2])))] = flagged.get((path.name, enclosing(path, int(where[2]))), "") + where[3]
    expected = set().union(*(walkers(p) for p in [*copy.rglob("*.py"), tmp_path / "corpus.py"]))
    # what the model's promise names: its own walk, the loader's, the shared checks', each target's, the corpus'
    assert {"model.py", "spec.py", "base.py", "corpus.py", "python.py", "typescript.py", "json_schema.py", "docs_cli.py"} <= {
        file for file, _ in expected
    }
    # one annotation builder for the three Python outputs, one bullet walk for both docs flavours
    assert ("python.py", "annotation_of") in expected and ("docs_cli.py", "children") in expected
    assert not {file for file, _ in expected} & {"msgspec.py", "docs_python.py"}
    missed = sorted(expected - set(flagged))
    assert not missed, f"mypy does not name {missed}:\n{result.stdout}"
    for (file, function), messages in flagged.items():
        if (file, function) != ("spec.py", "_Builder.type_of"):
            assert "Uuid" in messages and "Pair" in messages, f"{file} {function}: {messages}"
    assert ("spec.py", "_Builder.type_of") in flagged


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_typescript_mapper(kind: type) -> None:
    """Behaviour per kind is checked through Node in test_typescript_agreement.py (the kitchen sink has every kind)."""
    from generator.targets import typescript

    loaded = tiny(kind)
    t = field_type(loaded)
    assert typescript.ts_type(t), f"typescript-{kind.__name__}"
    assert typescript.checks(t, "v", 0), f"typescript-{kind.__name__}: no checks"
    (text,) = render.render(loaded, targets=(typescript.TARGET,)).values()
    assert f"readonly f: {typescript.ts_type(t)};" in text, f"typescript-{kind.__name__}"


def test_python_json_value_is_json_and_kept(tmp_path: Path) -> None:
    """`type: json` in the stdlib module: any JSON value kept exactly and handed out as a copy;
    what is not JSON refused as the payload's other values are, at its path."""
    loaded = spec.parse(SPEC.format(kind="any_json", field=KINDS[model.Json][0]), "tiny.yaml", "tiny.yaml")
    ((rel, text),) = render.render(loaded, targets=(python_target.TARGET,)).items()
    (tmp_path / Path(rel).name).write_text(text, encoding="utf-8")
    module = import_path(tmp_path / Path(rel).name, Path(rel).stem)
    value = {"a": [1, 2.5, None, True, "s", {"b": []}], "n": 10**30}
    event = module.parse_event(payload(value), strict=True)
    assert event.f == value and event.to_dict()["f"] == value
    event.to_dict()["f"]["a"].append("x")
    assert event.f == value, "to_dict() handed out the object's own value"
    assert module.Thing.from_dict({"type": "thing", "f": ((1, 2),)}).f == [[1, 2]]  # a tuple is an array
    for bad, where in [
        ({"a": [1, float("nan")]}, "$.f.a[1]"),
        ({"a": {1: 2}}, "$.f.a[\"1\"]"),
        ([object()], "$.f[0]"),
        ({"x": float("inf")}, "$.f.x"),
    ]:
        with pytest.raises(module.WebhookDecodeError) as e:
            module.Thing.from_dict({"type": "thing", "f": bad})
        assert e.value.path == where, e.value
    for text in ['{"type": "thing", "f": [NaN]}', '{"type": "thing", "f": {"x": "\\ud800"}}', '{"type": "thing", "f": 1e400}']:
        with pytest.raises(module.WebhookDecodeError, match="not valid JSON"):
            module.parse_event(text, strict=True)
    deep = '{"type": "thing", "f": ' + "[" * 900 + "]" * 900 + "}"
    assert json.dumps(module.parse_event(deep, strict=True).to_dict()) == json.dumps(json.loads(deep))
    with pytest.raises(module.WebhookDecodeError, match="nested too deeply"):
        module.parse_event('{"type": "thing", "f": ' + "[" * 5000 + "]" * 5000 + "}", strict=True)


@pytest.mark.parametrize(
    "field,message",
    [
        ("{type: json, nullable: true}", "12:23: 'nullable' does not apply to json: null is a JSON value already"),
        ("{type: jsn}", "12:17: unknown type 'jsn'; did you mean 'json'?"),
        ("{type: objcet}", "12:17: unknown type 'objcet'; did you mean 'object'?"),
        ("{fields: {}}", "12:19: 'thing_f' must have at least one field (an object with no declared fields is `type: object`)"),
    ],
)
def test_json_and_object_misuse_is_a_located_error(field: str, message: str) -> None:
    with pytest.raises(spec.SpecError) as e:
        spec.parse(SPEC.format(kind="misuse", field=field), "tiny.yaml", "tiny.yaml")
    assert f"tiny.yaml:{message}" in str(e.value)


@pytest.mark.parametrize("name", ["json", "object"])
def test_json_and_object_are_not_type_names(name: str) -> None:
    text = SPEC.format(kind="names", field="{type: string}").replace("  other:", f"  {name}:").replace("{type: other", f"{{type: {name}")
    with pytest.raises(spec.SpecError) as e:
        spec.parse(text, "tiny.yaml", "tiny.yaml")
    assert f"tiny.yaml:6:3: type name {name!r} is a built-in type" in str(e.value)


def test_type_object_is_any_json_object() -> None:
    loaded = spec.parse(SPEC.format(kind="object", field="{type: object}"), "tiny.yaml", "tiny.yaml")
    assert field_type(loaded) == model.Map(model.Json())
