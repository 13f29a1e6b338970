"""Known vulnerabilities in the pinned runtime dependencies (``make audit``).

Runs pip-audit on a lock file of exact versions (``make lock`` writes it), without
resolving anything again (``--no-deps --disable-pip``), and says plainly which of
three things happened:

- a package has a known vulnerability: each is listed, exit 1;
- every package was looked up and none has one: exit 0;
- the vulnerability service could not be reached, or did not know the packages (a
  registry mirror without PyPI's JSON API answers "not found" for every package, which
  pip-audit alone reports as "No known vulnerabilities"): the audit says that nothing,
  or not everything, was audited and exits 0, or 2 with ``AUDIT_STRICT=1``, so a
  deployment pipeline that has the network can insist on a real answer.

``AUDIT_SERVICE`` picks pip-audit's service (``pypi``, the default, or ``osv``).
"""

import json
import os
import shutil
import subprocess  # nosec B404  # runs pip-audit, a fixed command
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FOUND = 1
NOT_AUDITED_STRICT = 2
TIMEOUT_SECONDS = 600


@dataclass
class Outcome:
    vulnerable: list[str] = field(default_factory=list)
    unaudited: list[str] = field(default_factory=list)
    audited: int = 0
    error: str = ""

    def report(self, *, strict: bool) -> tuple[int, str]:
        """The exit status and the text to print."""
        lines = []
        if self.vulnerable:
            lines.append(f"KNOWN VULNERABILITIES in {len(self.vulnerable)} finding(s):")
            lines.extend(f"  {line}" for line in self.vulnerable)
        if self.error or self.unaudited:
            reason = self.error or (
                f"the service had no record of {len(self.unaudited)} package(s), "
                f"e.g. {', '.join(self.unaudited[:3])}"
            )
            scope = "NOTHING WAS AUDITED" if not self.audited else "NOT EVERYTHING WAS AUDITED"
            lines.append(
                f"{scope}: {reason}. The vulnerability service cannot be reached from "
                "here; run 'make audit' where it can (AUDIT_STRICT=1 to fail then)."
            )
        if not self.vulnerable and not self.error and not self.unaudited:
            lines.append(f"{self.audited} pinned packages audited: no known vulnerability.")
        if self.vulnerable:
            return FOUND, "\n".join(lines)
        if (self.error or self.unaudited) and strict:
            return NOT_AUDITED_STRICT, "\n".join(lines)
        return 0, "\n".join(lines)


def interpret(report: dict[str, Any]) -> Outcome:
    """Read pip-audit's JSON report."""
    outcome = Outcome()
    for dependency in report.get("dependencies", []):
        name = str(dependency.get("name"))
        if dependency.get("version"):
            name = f"{name}=={dependency['version']}"
        if dependency.get("skip_reason"):
            outcome.unaudited.append(name)
            continue
        outcome.audited += 1
        for vulnerability in dependency.get("vulns", []):
            versions = ", ".join(vulnerability.get("fix_versions", []))
            fixed = f"fixed in {versions}" if versions else "no fix yet"
            outcome.vulnerable.append(f"{name}: {vulnerability.get('id')} ({fixed})")
    return outcome


def run_pip_audit(lock_file: Path, service: str) -> Outcome:
    pip_audit = shutil.which("pip-audit", path=str(Path(sys.executable).parent)) or "pip-audit"
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        command = [
            pip_audit,
            "--requirement",
            str(lock_file),
            "--no-deps",
            "--disable-pip",
            "--vulnerability-service",
            service,
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(output),
        ]
        try:
            result = subprocess.run(  # noqa: S603  # nosec B603  # a fixed command, no shell
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            return Outcome(error=f"pip-audit gave no answer within {TIMEOUT_SECONDS} s")
        if not output.exists() or not output.read_text().strip():
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            return Outcome(error=f"pip-audit could not run ({last})")
        return interpret(json.loads(output.read_text()))


def main(argv: list[str]) -> int:
    lock_file = Path(argv[1] if len(argv) > 1 else "requirements/lock.txt")
    if not lock_file.exists():
        print(f"{lock_file} is missing: run 'make lock' first.", file=sys.stderr)
        return FOUND
    service = os.environ.get("AUDIT_SERVICE", "pypi")
    strict = os.environ.get("AUDIT_STRICT") == "1"
    print(f"pip-audit of {lock_file} against the {service} vulnerability service")
    status, text = run_pip_audit(lock_file, service).report(strict=strict)
    print(text, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
