"""Conformance: payloads generated from the vendors' published schemas (issue 11).

Every payload the vendor's schema allows (``tests/schemas/``; see
``tests/conformance.py``) validates with no unknown-key warning, and converts to
every target with no error but refundmap's own MappingError. ``python
tests/conformance.py N`` prints the figures.
"""

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import conformance

NAMES = [*conformance.ROOTS, *conformance.NUMERIC_IDS]


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_is_valid_json_schema(name):
    jsonschema.Draft202012Validator.check_schema(conformance.schema(name, bounded=False))


@pytest.mark.parametrize("name", NAMES)
# A quarter of the profile's examples a format: each converts to every target.
@settings(max_examples=max(settings.default.max_examples // 4, 10))
@given(data=st.data())
def test_payloads_the_vendors_schema_allows_are_accepted(name, data):
    document = data.draw(conformance.strategy(name))
    # What is generated is what the vendor's schema, as published, allows.
    jsonschema.validate(document, conformance.schema(name, bounded=False))
    assert conformance.problems(document, conformance.NUMERIC_IDS.get(name, name)) == []


def test_a_payload_outside_the_schema_is_caught_by_the_schema():
    # The schemas are not vacuous: a string total fails Rutter's.
    schema = conformance.schema("rutter", bounded=False)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"customer_refunds": [{"total_amount": "1"}], "connection": {}}, schema)
