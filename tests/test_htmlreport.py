"""`replay --report` rendered by a real browser (headless Chromium, where installed) and
`--plot` as an image of the right size.

Run the browser test with Chromium installed (`apt-get install -y chromium`); without it the
test is skipped with the reason:

    .venv/bin/python -m pytest tests/test_htmlreport.py -v
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from kubefold.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "rolling-update.yaml"
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["replay", "-q", "--check", str(EXAMPLE), "--report", str(path)]) == 0
    return path


def test_the_report_is_self_contained(report):
    text = report.read_text()
    assert "http://" not in text and "https://" not in text
    assert "<script src" not in text and "<link" not in text
    assert text.count('class="revision"') == 3  # revisions 1, 2, and 3 (the undo)
    assert "TaintToleration (x3)" in text  # the scheduler's scores of the last placements


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed "
                    "(apt-get install -y chromium)")
def test_the_report_renders_in_headless_chromium(report, tmp_path):
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                          f"--user-data-dir={tmp_path}", "--dump-dom", report.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert '<span id="rendered">rendered</span>' in dom  # the page's script ran
    revisions = re.search(r'id="revisions" data-count="g.revision">(\d+)<', dom)
    assert revisions is not None and revisions.group(1) == "3"
    events = re.search(r'data-count="g.event">(\d+)<', dom)
    assert events is not None and events.group(1) == "8"
    assert "Deployment default/web" in dom
    assert 'data-node="node-1"' in dom and 'data-node="node-2"' in dom


def test_plot_png_is_an_image_of_the_right_size(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "rollout.png"
    assert main(["replay", "-q", str(EXAMPLE), "--plot", str(png)]) == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (900, 450)
    svg = tmp_path / "rollout.svg"
    assert main(["replay", "-q", str(EXAMPLE), "--plot", str(svg)]) == 0
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_plot_refuses_other_formats(tmp_path, capsys):
    assert main(["replay", "-q", str(EXAMPLE), "--plot", str(tmp_path / "x.gif")]) == 2
    assert "--plot writes a .png or a .svg file" in capsys.readouterr().err
