"""The layers import downwards only, and no module imports itself back through others (issue #19).

    models · ink · i18n · training · figures · lessons · ui · app, benchmarks

Every import counts, also one inside a function (that is how a circle hides). Within a layer, modules may import
each other, but never in a circle.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["models", "ink", "i18n", "training", "figures", "lessons", "ui", "app", "benchmarks"]
TOP = {"app": 7, "benchmarks": 7}  # the two entry points stand side by side at the top
RANK = {name: TOP.get(name, i) for i, name in enumerate(LAYERS)}
THIRD_PARTY_BELOW_UI = {"gradio"}  # below ui/ nothing reaches for the web framework


def modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py") if (ROOT / package).is_dir() else []:
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path, known: set[str]) -> set[str]:
    """The project's modules `path` imports, anywhere in it (the longest known name each import names)."""
    named = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from package import module` needs that module; `from module import name` needs the module
            named |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                      for alias in node.names}
    found = set()
    for name in named:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(path, set(found)) - {name} for name, path in found.items()}


def layer(module: str) -> str:
    return module.split(".")[0]


def upward(edges: dict[str, set[str]]) -> list[str]:
    return sorted(f"{module} imports {target}" for module, targets in edges.items() for target in targets
                  if RANK[layer(target)] > RANK[layer(module)])


def circles(edges: dict[str, set[str]]) -> list[str]:
    """Each circle found by a depth-first walk, as "a -> b -> a"."""
    found, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                found.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    return found


def test_no_module_imports_a_layer_above_its_own():
    assert not upward(graph()), "\n".join(upward(graph()))


def test_no_module_reaches_itself_through_its_imports():
    assert not circles(graph()), "\n".join(circles(graph()))


def test_nothing_below_ui_imports_gradio():
    below = [name for name, path in modules().items() if RANK[layer(name)] < RANK["ui"] and
             any(node.names[0].name.split(".")[0] in THIRD_PARTY_BELOW_UI if isinstance(node, ast.Import) else
                 (node.module or "").split(".")[0] in THIRD_PARTY_BELOW_UI
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Import | ast.ImportFrom))]
    assert not below, below


def test_the_checks_see_an_upward_import_a_circle_and_an_import_inside_a_function(tmp_path):
    edges = {"training.x": {"ui.page", "models.dnn"}, "lessons.a": {"lessons.b"}, "lessons.b": {"lessons.c"},
             "lessons.c": {"lessons.a"}, "models.dnn": set()}
    assert upward(edges) == ["training.x imports ui.page"]
    assert circles(edges) == ["lessons.a -> lessons.b -> lessons.c -> lessons.a"]
    hidden = tmp_path / "hidden.py"
    hidden.write_text("def load():\n    from training.datasets import pendigits\n    return pendigits\n")
    assert imports(hidden, {"training", "training.datasets", "training.datasets.pendigits"}) == {
        "training.datasets.pendigits"}
