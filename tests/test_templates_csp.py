"""No template carries what the Content-Security-Policy would block: inline scripts,
event-handler attributes, javascript: URLs, htmx's inline handlers, style attributes or
<style> blocks. Scripts and styles live in static/ and load with src and href."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

PROJECT_ROOT = Path(settings.BASE_DIR)

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
# A data block is not run, so the policy lets it be: json_script writes these.
DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
HANDLER = re.compile(r"""\s(on[a-z]+|hx-on[:\-][\w:\-]*)\s*=""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript\s*:", re.IGNORECASE)


def problems_in(text: str) -> list[str]:
    """What in this template the policy would refuse, one line each."""
    found = []
    for match in SCRIPT.finditer(text):
        attributes, body = match.group(1), match.group(2)
        if body.strip() and not DATA_TYPE.search(attributes):
            found.append(f"inline <script>: {body.strip()[:60]!r}")
    for tag in TAG.finditer(text):
        for handler in HANDLER.finditer(tag.group(0)):
            found.append(f"event handler {handler.group(1)}= in {tag.group(0)[:80]!r}")
        if STYLE_ATTRIBUTE.search(tag.group(0)):
            found.append(f"style attribute in {tag.group(0)[:80]!r}")
    if STYLE_BLOCK.search(text):
        found.append("<style> block")
    if JAVASCRIPT_URL.search(text):
        found.append("javascript: URL")
    return found


def project_templates() -> list[Path]:
    """Every template of the project: templates/ and each project app's own folder."""
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        if folder.is_relative_to(PROJECT_ROOT) and ".venv" not in folder.parts:
            folders.append(folder)
    return sorted(
        path
        for folder in folders
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg"}
    )


def test_the_project_has_templates_to_scan():
    names = {path.relative_to(PROJECT_ROOT).as_posix() for path in project_templates()}

    assert "templates/base.html" in names
    assert len(names) > 50


@pytest.mark.parametrize(
    "path", project_templates(), ids=lambda path: path.relative_to(PROJECT_ROOT).as_posix()
)
def test_template_has_nothing_the_policy_blocks(path):
    assert problems_in(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        "<SCRIPT type='text/javascript'>\n  go();\n</SCRIPT>",
        '<button onclick="go()">Go</button>',
        '<select name="x" onChange="this.form.submit()">',
        "<body onload=start()>",
        '<div hx-on:click="go()">',
        '<a href="javascript:void(0)">x</a>',
        '<p style="color: red">x</p>',
        "<style>p { color: red }</style>",
    ],
)
def test_the_scan_catches_what_the_policy_blocks(snippet):
    assert problems_in(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/code-picker.js' %}\" defer></script>",
        '<script type="application/json" id="data">{"a": 1}</script>',
        '<a href="{% url \'home\' %}" data-confirm="Delete?">Delete</a>',
        "<p>The online catalogue is open to everyone.</p>",
        '<input name="session" data-online="true">',
    ],
)
def test_the_scan_lets_external_scripts_and_plain_markup_be(snippet):
    assert problems_in(snippet) == []
