"""``dealgraph diff``: what a change to the data did to the answers.

Two data directories (``dealgraph diff BEFORE AFTER``), or the data directory against itself
at a git revision (``dealgraph diff --against HEAD``: the directory as committed there, taken
with ``git archive``, against the working tree). Without AFTER the data after the change is
the data every command reads (``--data``, ``--store``, ``DEALGRAPH_DATA``,
``DEALGRAPH_STORE``, else the bundled data set). Directories are loaded into memory; both
graphs are compared by :func:`dealgraph.graph.diff.diff_graphs`, and the differences print as
``+`` (added), ``-`` (removed) and ``~`` (changed, old -> new) lines per section, or as JSON
with ``--json``. The data before the change is checked by today's rules: data a later version
refuses must be fixed before it can be compared.

The command registers itself on :data:`dealgraph.cli.main.app` (``cli/main.py`` imports
this module after the app is made).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from .. import bundled_data_dir, open_graph
from ..graph import KnowledgeGraph
from ..graph.diff import (
    BetChange,
    BetFigures,
    ConflictChange,
    DataDiff,
    DealChange,
    LoopChange,
    LoopFigures,
    ObservationChange,
    RelationshipChange,
    RelationshipFacts,
    diff_graphs,
)
from ..graph.disagreement import figure_text
from ..graph.money import format_money
from ..graph.results import AmountClaim, Flow, Observation, QuantityClaim
from ..ontology.errors import DataError
from .format import _tally_text, _value
from .main import IncludeAnnouncedOpt, app
from .options import AsOfOpt, KnownAtOpt, Shared, command
from .output import fail, fail_with_problems

__all__ = ["diff_cmd", "print_diff", "data_at_revision"]

_DIR = {"exists": True, "file_okay": False, "dir_okay": True}


@command(app, "diff")  # BEFORE in memory; AFTER in memory, or (not given) --data/--store
def diff_cmd(
    opts: Shared,
    before: Annotated[
        Path | None, typer.Argument(metavar="BEFORE", help="The data directory before the change.", **_DIR)
    ] = None,
    after: Annotated[
        Path | None,
        typer.Argument(
            metavar="AFTER",
            help="The data directory after it (default: the data every command reads: --data, --store, "
            "else the bundled data).",
            **_DIR,
        ),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            metavar="REV",
            help="Compare the data directory (--data, else the bundled data) as committed at this git "
            "revision (e.g. HEAD) with the working tree.",
        ),
    ] = None,
    max_length: Annotated[int, typer.Option(min=2, max=8, help="Most edges in a loop.")] = 4,
    as_of: AsOfOpt = None,
    known_at: KnownAtOpt = None,
    include_announced: IncludeAnnouncedOpt = False,
) -> None:
    """What a change to the data did to the answers: deals and figures, relationships, loops,
    two-sided bets and conflicts, each added (+), removed (-) or changed (~)."""
    if (before is None) == (against is None):
        fail("give the data before the change: a directory BEFORE [AFTER], or --against REV (not both)")
    # AFTER first, as every command reads its data: a bad --data or --store is told before any git
    if after is not None:
        kg_after = _open(after, f"AFTER ({after})")
    else:
        kg_after = _has_data(opts.graph(), f"AFTER ({opts.data or 'the bundled data set'})")
    with tempfile.TemporaryDirectory(prefix="dealgraph-diff-") as tmp:
        if before is not None:
            kg_before = _open(before, f"BEFORE ({before})")
        else:
            current = after or opts.data or bundled_data_dir()
            old = data_at_revision(current, str(against), Path(tmp))
            kg_before = _open(old, f"{current} at {against}", shown_as=(Path(tmp), f"{against}:"))
    result = diff_graphs(
        kg_before, kg_after, as_of, known_at, max_length=max_length, include_announced=include_announced
    )
    opts.emit(result, print_diff)


def _open(path: Path, label: str, shown_as: tuple[Path, str] | None = None) -> KnowledgeGraph:
    """The data directory ``path`` in memory; invalid data ends the command naming its files.

    ``shown_as`` (a directory, a prefix) names the files under that directory by the prefix
    instead (a revision's files as ``HEAD:data/...``, not as a temporary copy).
    """
    try:
        kg = open_graph(path)
    except DataError as exc:
        if shown_as is not None:
            exc = DataError([replace(p, file=_renamed(p.file, *shown_as)) for p in exc.problems])
        fail_with_problems(f"Invalid data in {label}", exc)
    return _has_data(kg, label)


def _has_data(kg: KnowledgeGraph, label: str) -> KnowledgeGraph:
    """``kg``, or the command ends when it is empty (a directory that is not a data set)."""
    if kg.is_empty():
        fail(f"{label} holds no data: no entities.yaml, sources/*.yaml, CSV or RDF files")
    return kg


def _renamed(file: str | None, directory: Path, prefix: str) -> str | None:
    if file is None or not Path(file).is_relative_to(directory):
        return file
    return prefix + Path(file).relative_to(directory).as_posix()


def _git(cwd: Path, *args: str) -> bytes:
    """``git args`` run in ``cwd``: its output, or the command ends with git's own message."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)  # noqa: S603 S607
    except FileNotFoundError:
        fail("--against needs git, which is not installed (give BEFORE and AFTER directories instead)")
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().removeprefix("fatal: ")
        hint = " (give BEFORE and AFTER directories instead)" if args[0] == "rev-parse" else ""
        fail(f"git {args[0]} in {cwd}: {why}{hint}")
    return done.stdout


def data_at_revision(data_dir: Path, rev: str, into: Path) -> Path:
    """``data_dir`` as committed at git revision ``rev``, extracted under ``into``.

    The directory must be inside a git work tree; a revision or path git does not know ends
    the command with git's message.

    >>> import subprocess
    >>> def git(*args):
    ...     _ = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
    ...                        cwd=repo, check=True, capture_output=True)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     repo = Path(tmp, "repo")
    ...     (repo / "data").mkdir(parents=True)
    ...     _ = (repo / "data" / "entities.yaml").write_text("entities: []")
    ...     git("init", "-q"); git("add", "data"); git("commit", "-qm", "data")
    ...     _ = (repo / "data" / "entities.yaml").write_text("entities: [changed]")
    ...     old = data_at_revision(repo / "data", "HEAD", Path(tmp, "old"))
    ...     print(old.relative_to(tmp), (old / "entities.yaml").read_text())
    old/data entities: []
    """
    if rev.startswith("-"):
        fail(f"--against {rev!r}: a git revision does not start with '-'")
    where = data_dir.resolve()
    top = Path(_git(where, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    prefix = where.relative_to(top).as_posix()
    archive = _git(top, "archive", "--format=tar", rev, "--", prefix)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(into, filter="data")  # nothing outside ``into``, no special files
    except (tarfile.TarError, OSError) as exc:
        fail(f"{data_dir} at {rev} cannot be unpacked: {exc}")
    return into / prefix


# --- the printer ---------------------------------------------------------------------------


def print_diff(console: Console, d: DataDiff) -> None:
    """Each section with changes: one ``+``, ``-`` or ``~`` line per item (old -> new)."""
    if d.empty:
        console.print("no change to the answers")
        return
    sections: list[tuple[str, list[str]]] = [
        ("Deals", [_line(c, _deal_head(c), _deal_summary, _deal_details) for c in d.deals]),
        (
            "Figures",
            [
                _line(c, _observation_head(c), _observation_summary, _observation_details)
                for c in d.observations
            ],
        ),
        (
            "Relationships",
            [
                _line(r, f"{r.subject} {r.kind} {r.object}", _rel_summary, _rel_details)
                for r in d.relationships
            ],
        ),
        (
            "Loops",
            [_line(c, " -> ".join(c.members + c.members[:1]), _loop_summary, _loop_details) for c in d.loops],
        ),
        ("Two-sided bets", [_line(c, c.organization, _bet_summary, _bet_details) for c in d.two_sided_bets]),
        ("Conflicts", [_conflict_line(c) for c in d.conflicts]),
    ]
    dates = ", ".join(f"{n} {v}" for n, v in (("as of", d.as_of), ("known at", d.known_at)) if v)
    if dates:
        console.print(f"(both cut {dates})", highlight=False)
    if d.include_announced:
        console.print("(announced money counted as committed)")
    for title, lines in sections:
        if lines:
            console.print(f"[bold]{title}[/]")
            for line in lines:
                console.print(f"  {escape(line)}", highlight=False, soft_wrap=True)


_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _line(
    c: Any, head: str, summary: Callable[[Any], str], details: Callable[[Any, Any, set[str]], list[str]]
) -> str:
    """``+ head  summary`` (added or removed: the item as it is), or ``~ head: what changed``."""
    if c.change != "changed":
        return f"{_SIGN[c.change]} {head}  {summary(c.after or c.before)}".rstrip()
    return f"~ {head}: " + "; ".join(details(c, c.before, set(c.changed)))


def _was(name: str, old: Any, new: Any) -> str:
    """``name old -> new`` (a missing value reads ``none``)."""
    return f"{name} {'none' if old is None else old} -> {'none' if new is None else new}"


def _ids(old: list[str], new: list[str]) -> str:
    return " ".join([f"+{i}" for i in new if i not in old] + [f"-{i}" for i in old if i not in new])


def _sources(old: Any, new: Any) -> str:
    before, after = ({(s.document, s.quote) for s in x.sources} for x in (old, new))
    return f"sources +{len(after - before)} -{len(before - after)}"


# deals: the headline amount (its figure, currency, bound and rate) reads as one money figure
_MONEY = {"amount", "currency", "bound", "rate"}


def _money(f: Flow) -> str:
    return format_money(f.amount, f.bound, f.rate)


def _deal_head(c: DealChange) -> str:
    f = c.after or c.before
    assert f is not None  # a change has at least one side
    return f"{c.id}  {f.kind} {f.payer} -> {f.payee}"


def _deal_summary(f: Flow) -> str:
    return f"{_money(f)} {f.status or ''}"


def _deal_details(c: DealChange, b: Flow, changed: set[str]) -> list[str]:
    a = c.after
    assert a is not None
    parts = [f"amount {_money(b)} -> {_money(a)}"] if _MONEY & changed else []
    special = _MONEY | {"chips", "amounts", "quantities", "sources"}
    parts += [_was(n, b[n], a[n]) for n in c.changed if n not in special]
    if "chips" in changed:
        parts.append(f"chips {_ids(b.chips, a.chips)}")
    claims = [f"+{_claim(x)}" for x in c.claims_added] + [f"-{_claim(x)}" for x in c.claims_removed]
    figures = [f"+{_quantity(x)}" for x in c.quantities_added] + [
        f"-{_quantity(x)}" for x in c.quantities_removed
    ]
    parts += ["claims " + ", ".join(claims)] if claims else []
    parts += ["other figures " + ", ".join(figures)] if figures else []
    return parts + ([_sources(b, a)] if "sources" in changed else [])


def _claim(x: AmountClaim) -> str:
    return f"{format_money(x.value, x.bound, x.rate)} ({x.document})"


def _quantity(x: QuantityClaim) -> str:
    return f"{figure_text(x.value, x.upper, x.bound, x.unit)} {x.measure} ({x.document})"


# observations: the value with its bounds, unit and rate reads as one figure
_VALUE = {"value", "upper", "unit", "bound", "rate"}


def _observation_head(c: ObservationChange) -> str:
    o = c.after or c.before
    assert o is not None
    return f"{c.id}  {o.metric} of {o.subject}"


def _observation_summary(o: Observation) -> str:
    return f"{_value(o)} {o.as_of or o.period or ''}"


def _observation_details(c: ObservationChange, b: Observation, changed: set[str]) -> list[str]:
    a = c.after
    assert a is not None
    parts = [f"value {_value(b)} -> {_value(a)}"] if _VALUE & changed else []
    parts += [_was(n, b[n], a[n]) for n in c.changed if n not in _VALUE | {"sources"}]
    return parts + ([_sources(b, a)] if "sources" in changed else [])


def _rel_summary(r: RelationshipFacts) -> str:
    return "" if r.status in (None, "active") else f"({r.status}{' ' + r.end if r.end else ''})"


def _rel_details(c: RelationshipChange, b: RelationshipFacts, changed: set[str]) -> list[str]:
    a = c.after
    assert a is not None
    parts = [_was(n, b[n], a[n]) for n in ("status", "start", "end") if n in changed]
    if "inferred" in changed:  # the reasoning of a relationship no quote states
        parts.append(
            "reasoning changed" if a.inferred and b.inferred else _was("inferred", b.inferred, a.inferred)
        )
    return parts + ([_sources(b, a)] if "sources" in changed else [])


def _ratio(r: float | None) -> str:
    return "no ratio" if r is None else f"{r:.2f}x"


def _out(lp: LoopFigures) -> str:
    return format_money(lp.money_out, lp.money_out_bound)


def _back(lp: LoopFigures) -> str:
    return "unknown" if lp.money_back is None else format_money(lp.money_back, lp.money_back_bound)


def _loop_summary(lp: LoopFigures) -> str:
    return f"{_out(lp)} out, {_back(lp)} back, {_ratio(lp.ratio)}"


# figure -> its label and how it reads (a figure with a bound reads with it)
_LOOP_FIGURES: dict[str, tuple[str, Callable[[LoopFigures], str]]] = {
    "money_out": ("money out", _out),
    "money_out_announced": ("announced out", lambda lp: format_money(lp.money_out_announced)),
    "money_out_contingent": ("contingent out", lambda lp: format_money(lp.money_out_contingent)),
    "money_out_upper_bound": ("up to out", lambda lp: format_money(lp.money_out_upper_bound)),
    "money_back": ("money back", _back),
    "ratio": ("ratio", lambda lp: _ratio(lp.ratio)),
}
# a bound that changed alone shows in its figure
_BOUND_OF = {"money_out_bound": "money_out", "money_back_bound": "money_back"}


def _loop_details(c: LoopChange, b: LoopFigures, changed: set[str]) -> list[str]:
    a = c.after
    assert a is not None
    shown = {_BOUND_OF.get(n, n) for n in changed}
    parts = [f"{label} {fmt(b)} -> {fmt(a)}" for n, (label, fmt) in _LOOP_FIGURES.items() if n in shown]
    if "ratio_basis" in changed and not {"money_out", "money_back", "ratio"} & shown:
        parts.append(f"ratio basis now: {a.ratio_basis}")  # the figures say it otherwise
    for name, label in (
        ("out_deal_ids", "deals out"),
        ("back_deal_ids", "deals back"),
        ("beneficiaries", "serves"),
    ):
        if name in changed:
            parts.append(f"{label} {_ids(b[name], a[name])}")
    return parts


def _pairs(pairs: list[list[str]]) -> str:
    return "; ".join(" vs ".join(p) for p in pairs) or "no rival labs"


def _bet_summary(e: BetFigures) -> str:
    return f"{_pairs(e.rival_pairs)} (labs: {', '.join(e.labs)})"


def _bet_details(c: BetChange, b: BetFigures, changed: set[str]) -> list[str]:
    a = c.after
    assert a is not None
    parts = (
        [f"rival pairs {_pairs(b.rival_pairs)} -> {_pairs(a.rival_pairs)}"]
        if "rival_pairs" in changed
        else []
    )
    parts += [f"labs {_ids(b.labs, a.labs)}"] if "labs" in changed else []
    for name, label in (("money_to_labs", "money to labs"), ("money_from_labs", "money from labs")):
        if name in changed:
            parts.append(f"{label} {_tally_text(b[name])} -> {_tally_text(a[name])}")
    return parts


def _conflict_line(c: ConflictChange) -> str:
    x = c.conflict
    figures = " vs ".join(
        f"{figure_text(f.value, f.upper, f.bound, getattr(f, 'unit', 'USD'))} ({f.document})"
        for f in x.figures
    )
    cls = x.disagreement if c.change != "changed" else _was("", c.was, x.disagreement).strip()
    return f"{_SIGN[c.change]} {x.what} ({x.id}): {cls}: {figures}"
