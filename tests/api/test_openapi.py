"""The OpenAPI document describes every response, and a client built from it round-trips.

No generator (datamodel-code-generator, openapi-python-client) is installed and tests run
offline, so the "generated client" is built here, from the document alone: one pydantic model
per component schema (``pydantic.create_model``), following ``$ref``, ``anyOf``/``oneOf``,
``const``, arrays and maps. Every data route's real response (bundled data set) is parsed by
that client and dumped back, and must come out unchanged; it must also validate against the
route's declared schema with a JSON Schema validator (``jsonschema_rs``, which schemathesis
brings).
"""

from __future__ import annotations

import json
from typing import Any, Literal, Union

import pytest
from fastapi.testclient import TestClient
from pydantic import ConfigDict, Field, TypeAdapter, create_model

from dealgraph import open_graph
from dealgraph.api.main import create_app

DATA_TAGS = {"analytics", "entities", "deals", "health"}

# Every data route with real arguments from the bundled data set.
REQUESTS = [
    "/health",
    "/entities?q=amaz",
    "/entities/aws",
    "/entities/aws/relationships?limit=100",
    "/deals/openai-aws-compute-2025",
    "/deals/amazon-anthropic-investment-2026",
    "/between/openai/aws",
    "/between/aws/amazon",
    "/flows?limit=1000",
    "/trace/amazon",
    "/trace/aws?direction=up&depth=3",
    "/exposure/amazon",
    "/exposure",
    "/loops",
    "/paths/amazon/aws?max_length=2",
    "/paths/google/amazon?mode=any",
    "/share/openai/aws?as_of=2025-11-30",
    "/share/openai/oracle",
    "/conflicts",
    "/sources",
]


@pytest.fixture(scope="module")
def client():
    kg = open_graph()
    with TestClient(create_app(kg)) as c:
        yield c
    kg.close()


@pytest.fixture(scope="module")
def spec(client) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def _data_operations(spec: dict[str, Any]):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if DATA_TAGS & set(op.get("tags", [])):
                yield path, method, op


def _refs(schema: dict[str, Any]) -> list[str]:
    """Component names a response schema points at (directly, as items, or as one of)."""
    if "$ref" in schema:
        return [schema["$ref"].rsplit("/", 1)[1]]
    if "items" in schema:
        return _refs(schema["items"])
    return [n for s in schema.get("oneOf", []) + schema.get("anyOf", []) for n in _refs(s)]


def test_every_data_response_has_a_described_schema_with_an_example(spec):
    components = spec["components"]["schemas"]
    seen = 0
    for path, method, op in _data_operations(spec):
        schema = op["responses"]["200"]["content"]["application/json"]["schema"]
        names = _refs(schema)
        assert names, f"{method.upper()} {path}: no schema component"
        for name in names:
            comp = components[name]
            assert comp.get("description"), f"{name} has no description"
            assert comp.get("examples"), f"{name} has no example"
            for prop, sub in comp.get("properties", {}).items():
                assert sub.get("description"), f"{name}.{prop} has no description"
        seen += 1
    assert seen >= 15


def _standalone(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema that carries the document's components as ``$defs``."""
    text = json.dumps({**schema, "$defs": spec["components"]["schemas"]})
    return json.loads(text.replace("#/components/schemas/", "#/$defs/"))


def test_every_component_example_validates_against_its_schema(spec):
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    for name, comp in spec["components"]["schemas"].items():
        for example in comp.get("examples", []):
            validator = jsonschema_rs.validator_for(_standalone({"$ref": f"#/$defs/{name}"}, spec))
            errors = [e.message for e in validator.iter_errors(example)]
            assert not errors, f"{name}: {errors[:3]}"


class ClientModels:
    """Pydantic models built from the OpenAPI components: the test's generated client."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        self.models: dict[str, Any] = {}

    def model(self, name: str) -> Any:
        if name not in self.models:
            comp = self.components[name]
            required = set(comp.get("required", []))
            fields: dict[str, Any] = {}
            for prop, sub in comp.get("properties", {}).items():
                default = ... if prop in required else sub.get("default")
                fields[f"f_{prop}"] = (self.type(sub), Field(default, alias=prop))
            self.models[name] = create_model(f"Client{name}", __config__=ConfigDict(extra="forbid"), **fields)
        return self.models[name]

    def type(self, s: dict[str, Any]) -> Any:
        if "$ref" in s:
            return self.model(s["$ref"].rsplit("/", 1)[1])
        if "const" in s:
            return Literal[s["const"]]
        if "enum" in s:
            return Literal[tuple(s["enum"])]
        for key in ("anyOf", "oneOf"):
            if key in s:
                return Union[tuple(self.type(x) for x in s[key])]  # noqa: UP007
        t = s.get("type")
        if t == "array":
            return list[self.type(s.get("items", {}))]
        if t == "object":
            return dict[str, self.type(s.get("additionalProperties") or {})]
        return {"string": str, "integer": int, "number": float, "boolean": bool, "null": type(None)}.get(
            t, Any
        )


@pytest.mark.parametrize("url", REQUESTS)
def test_generated_client_round_trips_every_response(client, spec, url):
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    r = client.get(url)
    assert r.status_code == 200, r.text
    body = r.json()
    route = url.split("?")[0]
    op = _operation_for(spec, route)
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    errors = [e.message for e in jsonschema_rs.validator_for(_standalone(schema, spec)).iter_errors(body)]
    assert not errors, errors[:3]
    adapter = TypeAdapter(ClientModels(spec["components"]["schemas"]).type(schema))
    parsed = adapter.validate_python(body)
    assert adapter.dump_python(parsed, mode="json", by_alias=True) == body


def _operation_for(spec: dict[str, Any], route: str) -> dict[str, Any]:
    parts = route.strip("/").split("/")
    for path, ops in spec["paths"].items():
        tmpl = path.strip("/").split("/")
        if len(tmpl) == len(parts) and all(
            t == p or t.startswith("{") for t, p in zip(tmpl, parts, strict=True)
        ):
            if "get" in ops:
                return ops["get"]
    raise AssertionError(f"no operation for {route}")
