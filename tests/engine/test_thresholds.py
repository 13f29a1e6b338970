"""engine.thresholds is the one place a threshold, size or default weight is set:
the engine's modules and the Django modules that match read theirs from it."""

import ast
from pathlib import Path

import pytest

from engine import thresholds

ROOT = Path(__file__).resolve().parents[2]
NAMES = frozenset(name for name in vars(thresholds) if name.isupper())

# The Django modules that rank, propose or draft, and the thresholds each must take
# from the engine rather than spell out.
DJANGO_USES: dict[str, set[str]] = {
    "matching/weights.py": {"DEFAULT_WEIGHTS"},
    "matching/search.py": {"MAX_RESULTS", "SEARCH_PAGE_SIZE", "MAX_SEARCH_PAGE_SIZE"},
    "matching/services/runs.py": {"MIN_SCORE", "TOP_K"},
    "matching/services/proposals.py": {"TOP_K"},
    "matching/services/requests.py": set(),
    "consortia/services/_shared.py": {"CONSORTIUM_MIN_MEMBERS", "CONSORTIUM_MAX_MEMBERS"},
    "consortia/services/drafts.py": {"CONSORTIUM_DRAFTS_PER_CLUSTER"},
    "consortia/services/consortia.py": set(),
    "consortia/selectors/consortia.py": set(),
}
ENGINE_MODULES = sorted(
    str(path.relative_to(ROOT))
    for path in (ROOT / "engine").glob("*.py")
    if path.name != "thresholds.py"
)
MODULES = ENGINE_MODULES + sorted(DJANGO_USES)


def _tree(module: str) -> ast.Module:
    return ast.parse((ROOT / module).read_text(encoding="utf-8"), filename=module)


def _assigned_at_module_level(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign | ast.AugAssign)
            else []
        )
        for target in targets:
            names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def _imported(tree: ast.Module) -> dict[str, set[str]]:
    """Names imported with ``from ... import``, by the module they come from."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.setdefault(node.module, set()).update(a.name for a in node.names)
    return found


def test_the_thresholds_module_sets_the_values_it_is_asked_for():
    # The Django side expects these names, so a rename here must be made there too.
    wanted = set().union(*DJANGO_USES.values())
    assert wanted <= NAMES


@pytest.mark.parametrize("module", MODULES)
def test_no_other_module_sets_a_threshold_of_its_own(module):
    assert _assigned_at_module_level(_tree(module)) & NAMES == set()


@pytest.mark.parametrize("module", MODULES)
def test_thresholds_are_imported_from_the_thresholds_module_only(module):
    elsewhere = {
        source: names & NAMES
        for source, names in _imported(_tree(module)).items()
        if source != "engine.thresholds" and names & NAMES
    }
    assert elsewhere == {}


@pytest.mark.parametrize("module", sorted(DJANGO_USES))
def test_the_django_modules_read_their_thresholds_from_the_engine(module):
    imported = _imported(_tree(module)).get("engine.thresholds", set())
    assert DJANGO_USES[module] <= imported
