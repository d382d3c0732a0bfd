"""Facts of the bundled data set, each expected value traced to a quote in a seed document.

The quotes are checked verbatim against ../shared/seeds by test_quotes.py; here the
figures, the money flows and the analytics built on them are checked against what the
documents say.
"""

from __future__ import annotations

import pytest

from dealgraph.graph import flows
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.exposure import exposure, two_sided_bets
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.graph.money import countable
from dealgraph.graph.paths import share
from dealgraph.graph.trace import trace

B = 1_000_000_000


def _flow(kg, deal_id, **kw):
    [f] = [f for f in flows(kg, **kw) if f["id"] == deal_id]
    return f


def test_required_entities_exist(kg):
    required = {
        "amazon",
        "aws",
        "annapurna-labs",
        "amazon-bedrock",
        "anthropic",
        "openai",
        "microsoft",
        "oracle",
        "coreweave",
        "google",
        "nvidia",
        "broadcom",
        "spacex",
        "tsmc",
        "project-rainier",
        "trainium2",
        "trainium3",
    }
    assert required <= kg.entity_ids()


def test_aliases(kg):
    # 002: "Amazon Web Services (AWS)"; 002: "Then Claude's parent signed a $100 billion deal"
    assert "AWS" in kg.entity("aws")["aliases"]
    assert "Claude's parent" in kg.entity("anthropic")["aliases"]
    assert kg.entity("annapurna-labs")["group"] == "amazon"


def test_openai_aws_deal(kg):
    # 001: "OpenAI cut a $38 billion compute deal with AWS on Monday"; "seven-year AWS agreement"
    f = _flow(kg, "openai-aws-compute-2025")
    assert (f["payer"], f["payee"], f["amount"], f["term"]) == ("openai", "aws", 38 * B, "P7Y")
    assert f["date_inferred"] is True


def test_oracle_contract_is_one_deal_with_two_claims(kg):
    # 001: "OpenAI pledged $300 billion back"; 000: "a $30 billion five-year cloud computing
    # contract with Oracle"
    f = _flow(kg, "openai-oracle-compute")
    claims = {(a["value"], a["document"]) for a in f["amounts"]}
    assert claims == {(300 * B, "001_930f0b1a03446070.txt"), (30 * B, "000_f58ffbe10c493a29.txt")}
    assert f["conflict"] is True
    assert "openai-oracle-compute" in [c["id"] for c in conflicts(kg)]


def test_amazon_anthropic_2026_round_tranches(kg):
    # 002: "$5 billion in Anthropic today"; "up to an additional $20 billion in the future";
    # "total potential investment in Anthropic to $33 billion"; 003: "$25 billion investment
    # commitment ... with Amazon"
    initial = _flow(kg, "amazon-anthropic-investment-2026-initial")
    milestone = _flow(kg, "amazon-anthropic-investment-2026-milestone")
    total = _flow(kg, "amazon-anthropic-investment-total")
    parent = _flow(kg, "amazon-anthropic-investment-2026")
    assert (initial["amount"], initial["status"]) == (5 * B, "committed")
    assert (milestone["amount"], milestone["status"], milestone["bound"]) == (20 * B, "contingent", "up-to")
    assert initial["part_of"] == milestone["part_of"] == "amazon-anthropic-investment-2026"
    assert (total["amount"], total["kind"]) == (33 * B, "aggregate")
    # 003's "$25 billion investment commitment" is its claim on the round's total (the
    # tranches' $5B + up to $20B), kept on the parent, a reported total never added to them
    assert (parent["amount"], parent["bound"], parent["status"]) == (25 * B, "exact", "aggregate")
    counted = {f["id"] for f in countable(flows(kg, payer="amazon", payee="anthropic"))}
    assert "amazon-anthropic-investment-2026" not in counted
    assert {initial["id"], milestone["id"]} <= counted


def test_anthropic_aws_commitment(kg):
    # 002: "committed to spending **more than $100 billion** on AWS technologies over the next
    # ten years"; "up to 5 gigawatts (GW)"
    f = _flow(kg, "anthropic-aws-compute-2026")
    assert (f["amount"], f["bound"], f["term"]) == (100 * B, "at-least", "P10Y")


def test_spacex_rate_claims(kg):
    # 003: "$1.25 billion monthly ... $15 billion annually and $45 billion over three years"
    f = _flow(kg, "anthropic-spacex-compute")
    assert sorted((a["value"], a["rate"]) for a in f["amounts"]) == [
        (1.25 * B, "per-month"),
        (15 * B, "per-year"),
        (45 * B, None),
    ]
    assert f["amount"] == 45 * B and f["conflict"] is False


def test_observations_with_basis_and_forecast(kg):
    obs = {o["id"]: o for o in kg.entity("anthropic")["observations"]}
    # 000: "its annualized revenue is $30 billion. By OpenAI's conversion ... only $22 billion"
    gross = obs["anthropic-annualized-revenue-2026-04-gross-s000"]
    net = obs["anthropic-annualized-revenue-2026-04-net-s000"]
    assert (gross["value"], gross["basis"], net["value"], net["basis"]) == (30 * B, "gross", 22 * B, "net")
    # 003: "an expected operating profit of $559 million" this quarter
    profit = obs["anthropic-operating-profit-2026-q2-s003"]
    assert (profit["value"], profit["forecast"], profit["period"]) == (559_000_000, True, "2026-Q2")
    # 000: "the target by the end of 2027 is 7-8 GW"
    target = obs["anthropic-compute-capacity-2027-s000"]
    assert (target["value"], target["upper"], target["unit"]) == (7, 8, "GW")


def test_vendor_financed_loops_with_document_figures(kg):
    loops = {tuple(lp["members"]): lp for lp in vendor_financed_loops(kg, max_length=2)}
    # 000: "Amazon announced a $50 billion investment in OpenAI" (announced, not committed: no
    # ratio unless announced money is counted); 001: "$38 billion compute deal with AWS"
    a = loops[("amazon", "openai")]
    assert (a["money_out"], a["money_out_announced"], a["money_back"], a["ratio"]) == (
        0,
        50 * B,
        38 * B,
        None,
    )
    counted = {tuple(lp["members"]): lp for lp in vendor_financed_loops(kg, 2, include_announced=True)}
    assert (counted[("amazon", "openai")]["money_out"], counted[("amazon", "openai")]["ratio"]) == (
        50 * B,
        0.76,
    )
    # 002: "$8 billion already committed" + "$5 billion today", "up to $20 billion more";
    # back: "more than $100 billion" on AWS
    b = loops[("amazon", "anthropic")]
    assert (b["money_out"], b["money_out_contingent"], b["money_back"]) == (13 * B, 20 * B, 100 * B)
    assert b["money_back_bound"] == "at-least"
    # 001: "Microsoft invested $13 billion"; "Microsoft ($250 billion)"
    c = loops[("microsoft", "openai")]
    assert (c["money_out"], c["money_back"]) == (13 * B, 250 * B)
    # 001: "Oracle put in cash; OpenAI pledged $300 billion back." (no figure for the cash)
    d = loops[("oracle", "openai")]
    assert d["money_out"] == 0 and d["ratio"] is None
    assert all(lp["sources"] for lp in loops.values())


def test_amazon_bets_on_both_sides(kg):
    # 000: "Amazon's total bet in the entire AI race amounts to $58 billion, flowing
    # simultaneously to two opponents" -- as of that article: $8B in Anthropic + $50B in OpenAI
    e = exposure(kg, "amazon", as_of="2026-04-14")
    assert e["two_sided"] and e["rival_pairs"] == [["anthropic", "openai"]]
    # the $50B in OpenAI was announced ("Amazon announced a $50 billion investment"): kept apart
    # from committed money unless asked
    assert e["sides"]["anthropic"]["money_to_lab"]["committed"] == 8 * B
    assert e["sides"]["openai"]["money_to_lab"]["announced"] == 50 * B
    assert (e["total"]["money_to_labs"]["committed"], e["total"]["money_to_labs"]["announced"]) == (
        8 * B,
        50 * B,
    )
    counted = exposure(kg, "amazon", as_of="2026-04-14", include_announced=True)
    assert counted["total"]["money_to_labs"]["committed"] == 58 * B
    # Bedrock "simultaneously distributes both companies' models" (000)
    for lab in ("anthropic", "openai"):
        assert any(
            t["subject"] == "amazon-bedrock" and t["kind"] == "distributes" for t in e["sides"][lab]["ties"]
        )
    assert "amazon" in [x["group"] for x in two_sided_bets(kg)]


def test_aws_share_of_openai_commitments(kg):
    # 001: "AWS gets strategic win but only 3% of OpenAI's total compute spending";
    # $38 billion of "$1.4 trillion"
    s = share(kg, "openai", "aws", as_of="2025-11-30")
    assert s["total"] == 1_400 * B
    assert s["share"] == pytest.approx(38 / 1400, abs=1e-4)
    assert round(s["share"] * 100) == 3


def test_trace_from_amazon(kg):
    t = trace(kg, "amazon", depth=2)
    assert t["reached"]["openai"]["money"]["announced"] == 50 * B  # "Amazon announced a $50 billion"
    assert t["reached"]["anthropic"]["money"]["contingent"] == 20 * B
    # second hop: the labs' money reaching AWS (38 + 100 billion)
    assert t["reached"]["aws"]["money"]["committed"] == 138 * B


def test_as_of_follows_the_chronology(kg):
    # knowledge time: by Nov 2025 only 001 was out: the AWS deal and the $300B Oracle figure; no
    # Amazon money in OpenAI yet
    nov = flows(kg, known_at="2025-11-30")
    ids = {f["id"] for f in nov}
    assert "openai-aws-compute-2025" in ids and "amazon-openai-investment-2026" not in ids
    oracle = next(f for f in nov if f["id"] == "openai-oracle-compute")
    assert (oracle["amount"], oracle["conflict"]) == (300 * B, False)
    # valid time: in Feb 2026 the $50B investment counts (000: "in February of this year")
    assert "amazon-openai-investment-2026" in {f["id"] for f in flows(kg, as_of="2026-02-15")}
    # knowledge time: from 14 Apr 2026 (000) the $30B five-year figure stands beside the $300B one
    apr = next(f for f in flows(kg, known_at="2026-04-14") if f["id"] == "openai-oracle-compute")
    assert apr["conflict"] is True and apr["amount"] == 30 * B
    # the Amazon-Anthropic $100B commitment (27 Apr 2026, 002) closes its loop only then
    before = {tuple(lp["members"]): lp for lp in vendor_financed_loops(kg, 2, "2026-04-20")}
    after = {tuple(lp["members"]): lp for lp in vendor_financed_loops(kg, 2, "2026-04-28")}
    assert before[("amazon", "anthropic")]["money_back"] is None  # only the revenue share
    assert after[("amazon", "anthropic")]["money_back"] == 100 * B
    assert ("amazon", "openai") not in {
        tuple(lp["members"]) for lp in vendor_financed_loops(kg, 2, "2026-01-31")
    }
    # SpaceX's prospectus (May 2026, 003) is unknown before May
    assert "anthropic-spacex-compute" not in {f["id"] for f in flows(kg, as_of="2026-04-30")}


def test_report_reads_and_cites(kg):
    from dealgraph.graph.report import build_report, render_report

    text = render_report(build_report(kg))
    for needle in (
        "biggest money flows",
        "Vendor-financed loops",
        "Two-sided bets",
        "disagree",
        "Amazon -> OpenAI -> Amazon",
        "no ratio: money out is announced, not committed",
        "[001_930f0b1a03446070.txt]",
        "$300 billion",
        "$30 billion",
    ):
        assert needle in text, needle
    # every figure line is followed by a citation line
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith(tuple(f"{n}." for n in range(1, 11))) and "$" in line:
            follow = next(x for x in lines[i + 1 :] if x.strip().startswith("["))
            assert follow.strip().startswith("[0"), line


def test_anthropic_valuations_are_valuations(kg):
    # 002: "Anthropic's valuation is now approximately **$380 billion**"; 003: "its valuation
    # expected to surpass $900 billion". 000's "$800 billion valuation difference for the same
    # set of sales figures" is the gap an accounting choice makes, not a valuation.
    vals = {
        (o["value"], o["bound"]) for o in kg.entity("anthropic")["observations"] if o["metric"] == "valuation"
    }
    assert vals == {(380 * B, "about"), (900 * B, "at-least")}


def _obs(kg, entity, obs_id):
    [o] = [o for o in kg.entity(entity)["observations"] if o["id"] == obs_id]
    return o


def test_misfiled_figures_are_filed_by_what_they_measure(kg):
    # 002: "compared to OpenAI's GPT-5.2 at 72.4%": the model's score, not ChatGPT's
    gpt = _obs(kg, "gpt-5-2", "gpt-5-2-benchmark-score-swe-bench-s002")
    assert (gpt["metric"], gpt["value"]) == ("benchmark-score", 72.4)
    assert not [o for o in kg.entity("chatgpt")["observations"] if o["metric"] == "benchmark-score"]
    # 003: "approximately 85% of Anthropic's revenue comes from enterprise and developer
    # clients": a share of its own revenue, not a market share
    mix = _obs(kg, "anthropic", "anthropic-revenue-enterprise-share-s003")
    assert (mix["metric"], mix["value"], mix["unit"], mix["bound"]) == ("revenue", 85, "percent", "about")
    # 003: "enterprises could save over $1 billion annually by migrating significant workloads
    # to Gemini 3.5 Flash": a saving Google claims, not a price of Gemini
    save = _obs(kg, "gemini", "gemini-price-performance-savings-s003")
    assert (save["metric"], save["value"], save["bound"], save["rate"]) == (
        "price-performance",
        1 * B,
        "at-least",
        "per-year",
    )
    assert not [o for o in kg.entity("gemini")["observations"] if o["metric"] == "price"]


def _rel_ids(kg, entity):
    return {r["id"] for r in kg.entity(entity)["relationships"]}


def test_facts_the_audit_found_missing(kg):
    from dealgraph.graph.groups import group_map

    groups = group_map(kg)
    # 002: "its ChatGPT subscriptions" (OpenAI), "Claude's parent" (Anthropic), "Google
    # (Gemini)": the products roll up to the groups that offer them
    assert (groups["chatgpt"], groups["claude"], groups["gemini"], groups["gpt-5-2"]) == (
        "openai",
        "anthropic",
        "google",
        "openai",
    )
    # 000: "booking the gross amounts of AWS and Google's share into its top-line revenue"
    google = _flow(kg, "anthropic-google-revenue-share")
    assert (google["kind"], google["payer"], google["payee"], google["amount"]) == (
        "revenue-share",
        "anthropic",
        "google",
        None,
    )
    # 002: BMO Capital's "$310" price target on Amazon
    bmo = _obs(kg, "amazon", "amazon-price-target-bmo-s002")
    assert (bmo["value"], bmo["forecast"]) == (310, True)
    # 003: "Stripe had 1,370 engineers use Claude Code"
    assert _obs(kg, "claude-code", "claude-code-users-stripe-s003")["value"] == 1_370
    # 003: Chinese models' usage on OpenRouter "from about 1% in 2024 to over 60% in 2026"
    shares = {
        (o["period"], o["value"], o["bound"])
        for o in kg.entity("openrouter")["observations"]
        if o["metric"] == "market-share"
    }
    assert shares == {("2024", 1, "about"), ("2026", 60, "at-least")}
    # 003: $1M+ clients "including giants like Uber and Netflix" (customers of Anthropic)
    assert {"uber--customer-of--anthropic", "netflix--customer-of--anthropic"} <= _rel_ids(kg, "anthropic")
    # 004: "proprietary models developed by companies such as OpenAI" (DeepSeek's claim)
    assert "deepseek--competes-with--openai" in _rel_ids(kg, "deepseek")


def test_project_rainier_is_amazons_by_a_quote_that_names_it(kg):
    # 002: "Anthropic and Amazon have already built **Project Rainier**"; no quote names AWS
    # with Rainier
    ids = _rel_ids(kg, "project-rainier")
    assert "amazon--operates--project-rainier" in ids and "aws--operates--project-rainier" not in ids


def _structure(kg, subject, kind, obj):
    """The projection's structural edge (status, start, end, inferred) of one relationship."""
    return kg.nx().edges[subject, obj, kind]


def test_microsofts_right_of_first_refusal_ended(kg):
    # 001: "From 2019 to January 2025, OpenAI needed Microsoft's approval to buy compute from
    # anyone else. Microsoft had right-of-first-refusal on all infrastructure deals. That ended
    # Friday, January 24."
    rofr = _structure(kg, "microsoft", "right-of-first-refusal", "openai")
    assert (rofr["start"], rofr["end"], rofr["status"], rofr["inferred"]) == (
        "2019-01-01",
        "2025-01-24",
        "ended",
        None,
    )


def test_microsoft_is_a_former_claude_code_customer(kg):
    # 003: "Microsoft has internally required some teams to stop using Claude Code"; "Microsoft
    # canceled internal Claude Code authorization"
    former = _structure(kg, "microsoft", "customer-of", "claude-code")
    assert (former["status"], former["end"]) == ("ended", None)


def test_chip_generations_come_online_on_their_dates(kg):
    # 002: "**Trainium2:** Coming online in Q2 2026."; "**Trainium3:** Expected later in 2026."
    trn2 = _structure(kg, "anthropic", "uses-chip", "trainium2")
    trn3 = _structure(kg, "anthropic", "uses-chip", "trainium3")
    assert (trn2["start"], trn2["status"]) == ("2026-04-01", "active")
    assert (trn3["start"], trn3["status"]) == ("2026-07-01", "planned")


def test_relationships_no_quote_states_are_marked_inferred(kg):
    # No document says who runs Rainier or that Anthropic rents it (002: "Anthropic and Amazon
    # have already built **Project Rainier**"); none says Amazon owns AWS or Microsoft makes
    # GitHub Copilot, or whose $1M+ clients Uber and Netflix are (003)
    for subject, kind, obj in (
        ("amazon", "operates", "project-rainier"),
        ("anthropic", "tenant-of", "project-rainier"),
        ("aws", "subsidiary-of", "amazon"),
        ("microsoft", "offers", "github-copilot"),
        ("uber", "customer-of", "anthropic"),
        ("netflix", "customer-of", "anthropic"),
    ):
        assert _structure(kg, subject, kind, obj)["inferred"], (subject, kind, obj)
    # 002: "Amazon has been developing its own AI chips through Annapurna Labs, an Israeli chip
    # designer it acquired": stated
    assert _structure(kg, "annapurna-labs", "subsidiary-of", "amazon")["inferred"] is None


def _relationship_mentions() -> dict[str, list[dict]]:
    import yaml

    from dealgraph import bundled_data_dir

    out: dict[str, list[dict]] = {}
    for path in sorted((bundled_data_dir() / "sources").glob("*.yaml")):
        for rel in yaml.safe_load(path.read_text(encoding="utf-8")).get("relationships", []):
            out.setdefault(rel["id"], []).append(rel)
    return out


def test_every_relationship_rests_on_quotes_naming_both_ends_or_is_inferred(kg):
    # A quote states a relationship only if it names both ends (by name or alias); else the
    # relationship says why it holds ('inferred')
    def names(entity):
        e = kg.entity(entity)
        return [n.lower() for n in [e["name"], *e["aliases"]]]

    def plain(text):
        return text.replace("**", "").replace("\u2019", "'").lower()

    unstated = []
    for rel_id, mentions in _relationship_mentions().items():
        if any(m.get("inferred") for m in mentions):
            continue
        said = " ".join(plain(e["quote"]) for m in mentions for e in m.get("evidence", []))
        subject, obj = mentions[0]["subject"], mentions[0]["object"]
        if not (any(n in said for n in names(subject)) and any(n in said for n in names(obj))):
            unstated.append(rel_id)
    assert unstated == []


def _card_rel(kg, entity, rel_id, **cut):
    from dealgraph.graph.cards import entity_card

    found = [r for r in entity_card(kg, entity, **cut).relationships if r.id == rel_id]
    return found[0] if found else None


def test_the_right_of_first_refusal_on_valid_time(kg):
    # 001: "From 2019 to January 2025 ... Microsoft had right-of-first-refusal on all
    # infrastructure deals. That ended Friday, January 24."
    rofr = "microsoft--right-of-first-refusal--openai"
    mid_2024 = _card_rel(kg, "microsoft", rofr, as_of="2024-06-01")
    assert (mid_2024.status, mid_2024.start, mid_2024.end) == ("active", "2019-01-01", "2025-01-24")
    assert _card_rel(kg, "microsoft", rofr, as_of="2026-01-01").status == "ended"
    assert _card_rel(kg, "openai", rofr).status == "ended"  # no date asked: as recorded
    assert _card_rel(kg, "microsoft", rofr, as_of="2018-12-31") is None  # not yet started
    # knowledge time: 001 (November 2025) had not been published by mid-2024
    assert _card_rel(kg, "microsoft", rofr, known_at="2024-06-01") is None
    # exposure counts a tie only while it is active
    tie_kinds = {t.kind for t in exposure(kg, "microsoft", as_of="2024-06-01").sides["openai"].ties}
    assert "right-of-first-refusal" in tie_kinds
    later = exposure(kg, "microsoft", as_of="2026-01-01").sides["openai"].ties
    assert "right-of-first-refusal" not in {t.kind for t in later}
    # the former Claude Code customer (003) is no tie of Microsoft's to Anthropic either
    anthropic = exposure(kg, "microsoft").sides["anthropic"].ties
    assert "customer-of" not in {t.kind for t in anthropic}


def test_a_relationship_counts_from_its_start(kg):
    # 002: "**Trainium2:** Coming online in Q2 2026." (article of 27 April 2026)
    rel = "anthropic--uses-chip--trainium2"
    assert _card_rel(kg, "anthropic", rel, as_of="2026-03-31") is None
    assert _card_rel(kg, "anthropic", rel, as_of="2026-04-01").start == "2026-04-01"


def test_cards_show_the_reasoning_of_an_inferred_relationship(kg):
    rainier = _card_rel(kg, "project-rainier", "amazon--operates--project-rainier")
    assert "No document says who runs Project Rainier" in rainier.inferred
    # the quotes the reasoning rests on stay: 002 "Anthropic and Amazon have already built"
    assert any("already built" in s.quote for s in rainier.sources)
    # entities.yaml's subsidiary_of_inferred shows on the bare link
    from dealgraph.graph.cards import entity_card

    [gc] = [r for r in entity_card(kg, "google-cloud").relationships if r.kind == "subsidiary-of"]
    assert (gc.id, gc.sources) == (None, [])
    assert gc.inferred.startswith("No document states who owns Google Cloud")


def test_the_aws_supply_to_openai_starts_with_the_deal(kg):
    # 001: "OpenAI cut a $38 billion compute deal with AWS on Monday" (3 November 2025); "The
    # seven-year AWS agreement delivers hundreds of thousands of Nvidia GPUs immediately, with
    # full capacity by 2026."
    supply = _structure(kg, "aws", "supplies", "openai")
    assert (supply["start"], supply["status"]) == ("2025-11-03", "active")
    rel = _card_rel(kg, "aws", "aws--supplies--openai")
    assert any(s.quote.endswith("with full capacity by 2026.") for s in rel.sources)
    assert _card_rel(kg, "aws", "aws--supplies--openai", as_of="2025-11-02") is None
    # the GPUs are the deal's chips; 001 no longer says "Nvidia supplies OpenAI" (004 does:
    # "while OpenAI uses expensive Nvidia server chips")
    nvidia = _card_rel(kg, "nvidia", "nvidia--supplies--openai")
    assert {s.document for s in nvidia.sources} == {"004_ad9c1766d59aa3c1.txt"}


def test_trainium4s_nvlink_fusion_support_is_kept_with_its_quote(kg):
    # 002: "**Trainium4:** Already on the roadmap, with promises of 6x FP4 throughput and NVIDIA
    # NVLink Fusion support for hybrid clusters ." (no relationship kind says a chip supports
    # another vendor's interconnect: the fact is the roadmap observation's note and quote)
    o = _obs(kg, "trainium4", "trainium4-chip-performance-s002")
    assert (o["value"], o["unit"], o["forecast"]) == (6, "multiple", True)
    assert "NVLink Fusion" in o["note"] and "NVLink Fusion support" in o["sources"][0]["quote"]
