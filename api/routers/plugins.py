"""Routes made from the registered analytics (:class:`dealgraph.graph.registry.Analytic`).

Each analytic ``NAME`` answers ``GET /NAME/{argument}`` (or ``GET /NAME`` when it takes no
positional argument), with one query parameter per other field of its ``params`` model and
its ``result`` model as the response schema. The parameters' constraints, descriptions and
examples are read from the params model's JSON schema, so the OpenAPI document shows them;
the params model validates the request again before the analytic runs. Entity fields
(``json_schema_extra={"entity": True}``) answer an unknown id with 404 and close matches.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ValidationError

from ...graph.registry import Analytic, analytics
from ..deps import GraphDep, require_entity
from ..errors import ApiError
from ..schemas import ERROR_RESPONSES

__all__ = ["analytics_router", "route_of"]

# the JSON schema keywords a query or path parameter takes over from the params model
_CONSTRAINTS = {
    "pattern": "pattern",
    "maxLength": "max_length",
    "minLength": "min_length",
    "minimum": "ge",
    "maximum": "le",
    "description": "description",
    "examples": "examples",
}


def _parameter(
    model: type[BaseModel], properties: dict[str, Any], name: str, in_path: bool
) -> inspect.Parameter:
    """The endpoint parameter for one field, with its constraints for the OpenAPI document."""
    field = model.model_fields[name]
    schema = properties[name]
    options = {arg: schema[key] for key, arg in _CONSTRAINTS.items() if key in schema}
    marker = Path(**options) if in_path else Query(**options)
    default = inspect.Parameter.empty if field.is_required() else field.default
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[field.annotation, marker]
    )


def route_of(a: Analytic) -> tuple[str, Any]:
    """The path and endpoint function serving ``a``."""
    entity_fields = [
        n
        for n, f in a.params.model_fields.items()
        if isinstance(f.json_schema_extra, dict) and f.json_schema_extra.get("entity") is True
    ]

    def endpoint(kg: Any, **values: Any) -> BaseModel:
        try:
            params = a.params.model_validate(values)
        except ValidationError as exc:  # the same rules as the query parameters; kept as a guard
            raise ApiError(422, str(exc.errors()[0]["msg"])) from exc
        for name in entity_fields:
            if getattr(params, name) is not None:
                require_entity(kg, getattr(params, name))
        return a.run(kg, params)

    parameters = [inspect.Parameter("kg", inspect.Parameter.KEYWORD_ONLY, annotation=GraphDep)]
    properties = a.params.model_json_schema()["properties"]  # once per route, not per field
    parameters += [_parameter(a.params, properties, n, n == a.argument) for n in a.params.model_fields]
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=a.result)  # type: ignore[attr-defined]
    endpoint.__name__ = a.name.replace("-", "_")
    endpoint.__doc__ = a.summary
    path = f"/{a.name}/{{{a.argument}}}" if a.argument else f"/{a.name}"
    return path, endpoint


def analytics_router() -> APIRouter:
    """A router with one route per registered analytic."""
    router = APIRouter(tags=["analytics"], responses=ERROR_RESPONSES)
    for a in analytics():
        path, endpoint = route_of(a)
        router.add_api_route(
            path, endpoint, methods=["GET"], response_model=a.result, operation_id=a.name, summary=a.summary
        )
    return router
