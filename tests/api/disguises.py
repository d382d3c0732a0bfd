"""A corpus of disguised SERVICE / FROM / LOAD queries aimed at a loopback listener.

Each is built from parts an attacker combines: where the call hides (comments ended by
characters SPARQL readers disagree on, escapes, nesting), how the keyword is spelled, and
how the target address is written. ``corpus(port)`` returns (name, query) pairs; every one
must leave the listener untouched, whatever the endpoint answers.
"""

from __future__ import annotations

from itertools import product


def targets(port: int) -> list[tuple[str, str, str]]:
    """(name, prologue, IRI term) ways of writing the listener's address."""
    a = f"127.0.0.1:{port}"
    return [
        ("plain", "", f"<http://{a}/x>"),
        ("upper-scheme", "", f"<HTTP://{a}/x>"),
        ("localhost", "", f"<http://localhost:{port}/x>"),
        ("decimal-ip", "", f"<http://2130706433:{port}/x>"),
        ("short-ip", "", f"<http://127.1:{port}/x>"),
        ("hex-ip", "", f"<http://0x7f.0.0.1:{port}/x>"),
        ("prefixed", f"PREFIX ex: <http://{a}/>\n", "ex:x"),
        ("base-relative", f"BASE <http://{a}/>\n", "<x>"),
        ("escaped-iri", "", f"<http://{a}/\\u0078>"),
        ("userinfo", "", f"<http://user:pw@{a}/x>"),
    ]


KEYWORDS = [
    ("upper", "SERVICE"),
    ("lower", "service"),
    ("mixed", "SeRvIcE"),
    ("escaped-c", "SERVI\\u0043E"),
    ("escaped-s", "\\u0053ERVICE"),
    ("silent", "SERVICE SILENT"),
    ("long-escape", "\\U00000053ERVICE"),
]

# characters after a '#' that might end the comment for one reader and not another
COMMENT_ENDS = [
    ("cr", "\r"),
    ("crlf", "\r\n"),
    ("lf", "\n"),
    ("vt", "\x0b"),
    ("ff", "\x0c"),
    ("nel", "\x85"),
    ("ls", "\u2028"),
    ("ps", "\u2029"),
    ("escaped-cr", "\\u000D"),
    ("escaped-lf", "\\u000A"),
    ("cr-cr", "\r\r"),
    ("tab-cr", "\t\r"),
]

PLACES = [
    ("top", "{body}"),
    ("optional", "OPTIONAL {{ {body} }}"),
    ("union", "{{ ?u <urn:p> ?w }} UNION {{ {body} }}"),
    ("minus", "?s <urn:p> ?o MINUS {{ {body} }}"),
    ("exists", "FILTER EXISTS {{ {body} }}"),
    ("not-exists", "FILTER NOT EXISTS {{ {body} }}"),
    ("subquery", "{{ SELECT * WHERE {{ {body} }} }}"),
    ("graph", "GRAPH ?g {{ {body} }}"),
    ("nested", "{{ {{ {{ {body} }} }} }}"),
    ("bind-after", "{body} BIND(1 AS ?one)"),
]

FORMS = [
    ("select", "SELECT * WHERE {{ {where} }} LIMIT 1"),
    ("ask", "ASK {{ {where} }}"),
    ("construct", "CONSTRUCT {{ ?a ?b ?c }} WHERE {{ {where} }}"),
    ("describe", "DESCRIBE ?a WHERE {{ {where} }}"),
]


def _service(keyword: str, term: str) -> str:
    return f"{keyword} {term} {{ ?a ?b ?c }}"


def corpus(port: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    tgt = targets(port)
    plain_term = tgt[0][2]
    # 1. a SERVICE call behind a comment, for every comment end and place (120)
    for (end_name, end), (place_name, place) in product(COMMENT_ENDS, PLACES):
        body = f"?s <urn:p> ?o # {end} {_service('SERVICE', plain_term)} \n"
        out.append(
            (f"comment-{end_name}-{place_name}", "SELECT * WHERE { " + place.format(body=body) + " } LIMIT 1")
        )
    # 2. every spelling of the keyword against every way of writing the address (70)
    for (kw_name, kw), (t_name, prologue, term) in product(KEYWORDS, tgt):
        out.append(
            (f"service-{kw_name}-{t_name}", prologue + "SELECT * WHERE { " + _service(kw, term) + " }")
        )
    # 3. every query form, with SERVICE in the clear and behind a \r comment (8)
    for form_name, form in FORMS:
        out.append((f"form-{form_name}", form.format(where=_service("SERVICE", plain_term))))
        out.append(
            (f"form-{form_name}-cr", form.format(where=f"?a ?b ?c # \r {_service('SERVICE', plain_term)} \n"))
        )
    # 4. SERVICE with a variable endpoint bound to the target (3)
    iri = f"<http://127.0.0.1:{port}/x>"
    out += [
        ("service-var-values", f"SELECT * WHERE {{ VALUES ?e {{ {iri} }} SERVICE ?e {{ ?a ?b ?c }} }}"),
        ("service-var-bind", f"SELECT * WHERE {{ BIND({iri} AS ?e) SERVICE ?e {{ ?a ?b ?c }} }}"),
        (
            "service-var-silent",
            f"SELECT * WHERE {{ VALUES ?e {{ {iri} }} SERVICE SILENT ?e {{ ?a ?b ?c }} }}",
        ),
    ]
    # 5. FROM / FROM NAMED, spelled and hidden in several ways (2 x 10 + 4)
    for (t_name, prologue, term), clause in product(tgt, ("FROM", "FROM NAMED")):
        out.append(
            (
                f"{clause.lower().replace(' ', '-')}-{t_name}",
                prologue + f"SELECT * {clause} {term} WHERE {{ ?s ?p ?o }} LIMIT 1",
            )
        )
    out += [
        ("from-cr", f"SELECT * # \r FROM {plain_term} \n WHERE {{ ?s ?p ?o }}"),
        ("from-lower", f"select * from {plain_term} where {{ ?s ?p ?o }}"),
        ("from-escaped", f"SELECT * \\u0046ROM {plain_term} WHERE {{ ?s ?p ?o }}"),
        ("from-file", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
    ]
    # 6. LOAD and other updates, plain, chained and hidden (12)
    out += [
        ("load", f"LOAD {plain_term}"),
        ("load-silent", f"LOAD SILENT {plain_term}"),
        ("load-into", f"LOAD {plain_term} INTO GRAPH <urn:g>"),
        ("load-lower", f"load {plain_term}"),
        ("load-escaped", f"\\u004COAD {plain_term}"),
        ("load-chained", f"CLEAR ALL ; LOAD {plain_term}"),
        ("load-after-query-cr", f"ASK {{}} # \r ; LOAD {plain_term}"),
        ("load-prefixed", f"PREFIX ex: <http://127.0.0.1:{port}/>\nLOAD ex:x"),
        ("insert-where-service", f"INSERT {{ ?a ?b ?c }} WHERE {{ SERVICE {plain_term} {{ ?a ?b ?c }} }}"),
        ("delete-where-service", f"DELETE WHERE {{ SERVICE {plain_term} {{ ?a ?b ?c }} }}"),
        ("with-using", f"WITH <urn:g> INSERT {{ ?a ?b ?c }} USING {plain_term} WHERE {{ ?a ?b ?c }}"),
        ("load-file", "LOAD <file:///etc/passwd>"),
    ]
    return out
