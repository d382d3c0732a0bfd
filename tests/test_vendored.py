"""The vendored web assets: each named by a manifest (package, exact version, licence), present,
headed with that name, version and licence, its licence text kept, and no page of ours loads
anything from another site (scripts/vendor_assets.py --check, run here without network)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "graph" / "assets"
VENDOR = ASSETS / "vendor"


def _script():
    spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts" / "vendor_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_vendored_file_is_present_and_headed():
    assert _script().problems() == []


def test_every_file_in_vendor_comes_from_a_manifest_with_an_exact_version_and_a_licence():
    manifests = [json.loads(p.read_text(encoding="utf-8")) for p in VENDOR.glob("*.vendor.json")]
    assert {m["package"] for m in manifests} >= {
        "cytoscape-fcose",
        "d3-sankey",
        "@zazuko/yasgui",
        "axe-core",
    }  # issue 14: the layout, the Sankey, the SPARQL editor, the accessibility checks
    named = {name for m in manifests for name in m["files"].values()}
    for m in manifests:
        assert re.fullmatch(r"\d+\.\d+\.\d+", m["version"]), m
        assert m["licence"], m
        licence = VENDOR / (m["package"].replace("/", "_").lstrip("@") + ".LICENSE.txt")
        assert licence.exists(), f"{m['package']}: no licence text beside it"
    others = {p.name for p in VENDOR.iterdir()} - named
    assert {n for n in others if not n.endswith((".vendor.json", ".LICENSE.txt"))} == {"README.txt"}


def test_our_pages_load_nothing_from_another_site():
    for page in ("explorer.html",):
        text = (ASSETS / page).read_text(encoding="utf-8")
        sources = re.findall(r'(?:src|href)="([^"]+)"', text)
        assert sources and all(s.startswith(("/", "#", "data:")) for s in sources), sources
