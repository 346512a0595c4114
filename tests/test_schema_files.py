"""Every schema the package ships is a valid JSON Schema (Draft 2020-12), checked here once rather than at
every build that validates an event."""

from __future__ import annotations

from importlib import resources

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from sphinx_event_ext.model.schema import load_schema

SHIPPED = sorted(
    path.name.removesuffix(".schema.json")
    for path in resources.files("sphinx_event_ext.model").joinpath("schemas").iterdir()
    if path.name.endswith(".schema.json")
)


def test_the_package_ships_the_schemas_the_outputs_name():
    assert {"event", "placeholders", "prewarm", "rehearsal", "ticket"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_schema_is_valid_draft_2020_12(name):
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_meta_schema_check_rejects_a_broken_schema():
    with pytest.raises(SchemaError):
        Draft202012Validator.check_schema({**load_schema("event"), "type": "no-such-type"})
