"""The theme's templates stay compiled between builds (Jinja's bytecode cache in the state folder), and an
edited template is never served from it."""

from __future__ import annotations

import os

LAYOUT = '{{% extends "!layout.html" %}}{{% block footer %}}<p class="mark">{mark}</p>{{% endblock %}}\n'
CONF = 'templates_path = ["_templates"]\n'


def _compiled(doctrees):
    return sorted((doctrees / "event-templates").glob("*/__jinja2_*.cache"))


def test_a_build_keeps_the_compiled_templates_beside_its_doctrees(build_site, tmp_path):
    src = tmp_path / "src"
    (src / "_templates").mkdir(parents=True)
    (src / "_templates" / "layout.html").write_text(LAYOUT.format(mark="first"), "utf-8")
    doctrees = tmp_path / "doctrees"
    result = build_site({"page": "# Page\n\nText.\n"}, conf=CONF, args=("-d", str(doctrees)))
    assert result.status == 0, result.warnings
    compiled = _compiled(doctrees)
    assert compiled, "no compiled template was kept"
    assert not list(result.out.rglob("*.cache")), "the cache must stay out of the published folder"
    # The next build loads them: the files are read, not written again.
    written = {path: path.stat().st_mtime_ns for path in compiled}
    again = build_site({"page": "# Page\n\nOther text.\n"}, conf=CONF, args=("-d", str(doctrees)))
    assert again.status == 0, again.warnings
    assert {path: path.stat().st_mtime_ns for path in _compiled(doctrees)} == written
    assert '<p class="mark">first</p>' in again.html("page")


def test_an_edited_template_is_compiled_again(build_site, tmp_path):
    src = tmp_path / "src"
    (src / "_templates").mkdir(parents=True)
    layout = src / "_templates" / "layout.html"
    layout.write_text(LAYOUT.format(mark="first"), "utf-8")
    doctrees = tmp_path / "doctrees"
    assert build_site({"page": "# Page\n"}, conf=CONF, args=("-d", str(doctrees))).status == 0
    stat = layout.stat()
    layout.write_text(LAYOUT.format(mark="other"), "utf-8")  # the same size, and its old times put back
    os.utime(layout, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = build_site({"page": "# Page\n"}, conf=CONF, args=("-d", str(doctrees), "-a"))
    assert result.status == 0, result.warnings
    assert '<p class="mark">other</p>' in result.html("page")
    assert '<p class="mark">first</p>' not in result.html("page")
