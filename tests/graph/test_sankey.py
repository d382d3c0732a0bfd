"""The Sankey export page (graph/sankey.py): every drawn flow with its amount, deal id and bucket.

Expected figures are the seed documents' (data/sources/*.yaml and their quotes): e.g. 001
"Microsoft ($250 billion)" for openai-microsoft-compute, 002 "Amazon could invest up to an
additional $20 billion in the future" (contingent) for amazon-anthropic-investment-2026-milestone.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import pytest

from dealgraph import open_graph
from dealgraph.graph import sankey as sankey_mod
from dealgraph.graph.sankey import SANKEY_PAGE_CSP, SANKEY_SCRIPTS, render_sankey, sankey_data
from tests.graph.test_export_security import PWN, load_kg

#: deal id -> (amount in USD, bucket, amount text), from the seed documents
SEEDS = {
    "openai-microsoft-compute": (250e9, "committed", "$250B"),  # 001: "Microsoft ($250 billion)"
    "anthropic-aws-compute-2026": (100e9, "committed", "≥ $100B"),  # 002: at least $100B
    "amazon-openai-investment-2026": (50e9, "announced", "$50B"),  # 000: announced $50B
    "anthropic-spacex-compute": (45e9, "committed", "$45B"),  # 003: the $45B total
    "openai-aws-compute-2025": (38e9, "committed", "$38B"),  # 001: "AWS ($38 billion)"
    "openai-coreweave-compute": (22.4e9, "committed", "$22.4B"),  # 001: "CoreWeave ($22.4 billion)"
    "amazon-anthropic-investment-2026-milestone": (20e9, "contingent", "up to $20B"),  # 002
    "microsoft-openai-investment": (13e9, "committed", "$13B"),  # 001: completed
    "amazon-anthropic-investment-prior": (8e9, "committed", "$8B"),  # "$8 billion previously"
    "amazon-anthropic-investment-2026-initial": (5e9, "committed", "$5B"),  # "$5 billion now"
}
#: not drawn: the parent counted through its tranches, deals with no figure, other kinds
NOT_DRAWN = (
    "amazon-anthropic-investment-2026",
    "anthropic-broadcom-chips",
    "oracle-openai-investment",
    "amazon-annapurna-acquisition",
)


@pytest.fixture(scope="module")
def kg():
    return open_graph()


@pytest.fixture(scope="module")
def page(kg):
    return render_sankey(kg)


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="sankey-data">(.*?)</script>', page, re.S)
    assert m, "the page holds its data block"
    return json.loads(m[1])


def test_page_holds_every_flow_with_amount_deal_and_bucket(page):
    flows = {f["id"]: f for f in _data(page)["flows"]}
    for deal, (amount, bucket, text) in SEEDS.items():
        assert flows[deal]["amount"] == amount, deal
        assert (flows[deal]["bucket"], flows[deal]["amount_text"]) == (bucket, text), deal
    assert set(flows) == set(SEEDS) | {"openai-oracle-compute"}
    assert not set(NOT_DRAWN) & set(flows)
    assert flows["amazon-anthropic-investment-2026-milestone"]["payer"] == "amazon"
    assert _data(page)["names"]["aws"] == "Amazon Web Services"


def test_cut_by_valid_time_and_knowledge_time(kg):
    before = {f["id"] for f in sankey_data(kg, as_of="2026-01-01")["flows"]}
    assert "openai-aws-compute-2025" in before  # dated 2025-11-03
    assert (
        not {"anthropic-aws-compute-2026", "amazon-anthropic-investment-2026-initial"} & before
    )  # 2026-04-27
    known = {f["id"] for f in sankey_data(kg, known_at="2026-04-20")["flows"]}
    assert "amazon-anthropic-investment-2026-milestone" not in known  # document 002 is later
    assert "openai-microsoft-compute" in known


def test_scripts_are_inline_allowed_by_hash_and_nothing_is_fetched(page):
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert meta and html.unescape(meta[1]) == SANKEY_PAGE_CSP
    policy = dict(p.strip().split(" ", 1) for p in SANKEY_PAGE_CSP.split(";"))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == len(SANKEY_SCRIPTS)
    for text in scripts:
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
    assert "unsafe" not in policy["script-src"] and "connect-src" not in policy
    assert "d3-sankey 0.12.3 | BSD-3-Clause licence" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)


def test_hostile_names_stay_data(tmp_path):
    kg = load_kg(tmp_path, {"lab-a": PWN, "bigco": "</script><!--<script>"})
    page = render_sankey(kg)
    assert page.count("</script>") == len(SANKEY_SCRIPTS) + 1  # no name closed a script element
    names = _data(page)["names"]
    assert PWN in names.values() and "</script><!--<script>" in names.values()
    kg.close()


def test_a_non_finite_amount_is_named_not_drawn(monkeypatch, kg):
    real = sankey_mod.all_flows

    def flows(kg, **kw):
        out = [dict(f) for f in real(kg, **kw)]
        for f in out:
            if f["id"] == "openai-coreweave-compute":
                f["amount"] = float("inf")
        return out

    monkeypatch.setattr(sankey_mod, "all_flows", flows)
    page = render_sankey(kg)
    data = _data(page)  # strict JSON: json.loads would take Infinity, so look for it too
    assert "Infinity" not in page.split('id="sankey-data">')[1].split("</script>")[0]
    assert data["skipped"] == ["openai-coreweave-compute"]
    assert "Not drawn (amount not a finite number): openai-coreweave-compute." in page
    assert "openai-coreweave-compute" not in {f["id"] for f in data["flows"]}
