"""``make audit``: the lock file pins every runtime dependency within pyproject's ranges,
and the audit tells a finding, a clean result and an audit that could not run apart."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools.audit_dependencies import FOUND, NOT_AUDITED_STRICT, interpret

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LOCK = PROJECT_ROOT / "requirements" / "lock.txt"


def locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_the_lock_pins_every_runtime_dependency_within_its_range():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pins = locked()

    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements/lock.txt: run make lock"
        assert requirement.specifier.contains(pins[name]), (name, pins[name])


def test_the_lock_holds_exact_versions_only():
    for line in LOCK.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line.strip()), line


def dependency(name: str, version: str = "1.0", vulns: list | None = None) -> dict:
    return {"name": name, "version": version, "vulns": vulns or []}


class TestReport:
    def test_a_known_vulnerability_fails_and_is_named(self):
        outcome = interpret(
            {
                "dependencies": [
                    dependency("django", "4.2.0", [{"id": "PYSEC-1", "fix_versions": ["4.2.1"]}]),
                    dependency("celery"),
                ]
            }
        )

        status, text = outcome.report(strict=False)

        assert status == FOUND
        assert "django==4.2.0: PYSEC-1 (fixed in 4.2.1)" in text

    def test_a_clean_audit_passes_and_counts_the_packages(self):
        status, text = interpret({"dependencies": [dependency("a"), dependency("b")]}).report(
            strict=False
        )

        assert status == 0
        assert "2 pinned packages audited: no known vulnerability" in text

    @pytest.mark.parametrize(("strict", "expected"), [(False, 0), (True, NOT_AUDITED_STRICT)])
    def test_a_service_that_knows_no_package_is_not_a_clean_audit(self, strict, expected):
        report = {
            "dependencies": [
                {"name": "django", "skip_reason": "Dependency not found on PyPI"},
                {"name": "celery", "skip_reason": "Dependency not found on PyPI"},
            ]
        }

        status, text = interpret(report).report(strict=strict)

        assert status == expected
        assert "NOTHING WAS AUDITED" in text
        assert "no known vulnerability" not in text

    def test_a_finding_fails_even_when_other_packages_went_unaudited(self):
        report = {
            "dependencies": [
                dependency("pillow", "9.0", [{"id": "GHSA-x", "fix_versions": []}]),
                {"name": "celery", "skip_reason": "not found"},
            ]
        }

        status, text = interpret(report).report(strict=False)

        assert status == FOUND
        assert "pillow==9.0: GHSA-x (no fix yet)" in text
        assert "NOT EVERYTHING WAS AUDITED" in text
