"""The house rules that no linter checks: project imports at module level, except in
jobs, and every app with the same module names."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["companies", "notifications", "clusters", "matching", "consortia", "workspaces"]
PROJECT = {"sme_platform", "engine", *APPS}


def _app_modules():
    for package in ["sme_platform", "engine", *APPS]:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _late_project_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    late = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module:
                if inner.module.split(".")[0] in PROJECT:
                    late.append(f"{path.relative_to(ROOT)}:{inner.lineno} {inner.module}")
            elif isinstance(inner, ast.Import):
                late += [
                    f"{path.relative_to(ROOT)}:{inner.lineno} {alias.name}"
                    for alias in inner.names
                    if alias.name.split(".")[0] in PROJECT
                ]
    return late


def test_project_modules_are_imported_inside_functions_only_by_jobs():
    late = [
        found
        for path in _app_modules()
        if path.name != "tasks.py"
        for found in _late_project_imports(path)
    ]
    assert late == []


def test_every_app_has_the_same_layer_modules():
    shape = ["models", "services", "selectors", "admin", "apps"]
    # The top app only reads across the others: it has no rows and no writes of its own.
    reads_only = {"workspaces": {"models", "services", "admin"}}
    missing = [
        f"{app}/{name}"
        for app in APPS
        for name in shape
        if name not in reads_only.get(app, set())
        and not (ROOT / app / f"{name}.py").exists()
        and not (ROOT / app / name).is_dir()
    ]
    assert missing == []


def test_packages_re_export_explicitly():
    starred = [
        str(path.relative_to(ROOT))
        for path in _app_modules()
        if path.name == "__init__.py" and "import *" in path.read_text()
    ]
    assert starred == []
