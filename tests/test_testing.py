"""refundmap.testing: every strategy's examples validate, the quirk knobs do what they say."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refundmap import FORMATS, Kind, UsageError, ValidationError, convert, validate
from refundmap.gate import kinds_of
from refundmap.testing import QUIRKS, SYNCED_AT, Pair, documents, pairs, refunds, shapes
from refundmap.validation import EMPTY_LINE, load

FEW = settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
SHAPES = [(name, shape) for name in FORMATS for shape in shapes(name)]


@pytest.mark.parametrize(("fmt", "shape"), SHAPES, ids=[f"{f}-{s}" for f, s in SHAPES])
@FEW
@given(data=st.data())
def test_every_format_and_shape_validates_with_no_warning(fmt, shape, data):
    document = data.draw(documents(fmt, shape=shape))
    assert validate(document, fmt) == ()
    loaded = load(document, fmt)
    if shape == "array":
        assert isinstance(document, list)
    else:
        assert all(part.shape.name == shape for part in loaded.parts)


def test_the_shapes_are_the_registrys():
    assert shapes("rutter") == ("record", "list", "fetch", "array")
    assert shapes("railz-v2-push") == ("record", "request", "array")


@pytest.mark.parametrize("fmt", FORMATS)
@FEW
@given(data=st.data())
def test_refunds_are_bare_records_with_no_warning(fmt, data):
    refund = data.draw(refunds(fmt))
    assert load(refund, fmt).parts[0].shape.name == "record"
    assert validate(refund, fmt) == ()


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


@pytest.mark.parametrize("fmt", ["railz", "railz-v2"])
@FEW
@given(data=st.data())
def test_numeric_ids_are_integers_read_as_text_with_a_warning(fmt, data):
    refund = data.draw(refunds(fmt, numeric_ids=True))
    assert type(refund["id"]) is int
    report = validate(refund, fmt)
    assert any(e.source_path == "$.id" and "sent as the number" in e.message for e in report)
    with pytest.raises(ValidationError, match="refused when strict"):
        validate(refund, fmt, strict=True)


@pytest.mark.parametrize("fmt", ["rutter", "railz"])
@FEW
@given(data=st.data())
def test_rounded_units_do_not_multiply_out_yet_validate(fmt, data):
    refund = data.draw(refunds(fmt, rounded_units=True))
    lines = refund["line_items" if fmt == "rutter" else "lines"]
    for line in lines:
        unit = line["item"]["unit_amount"] if fmt == "rutter" else line["unitAmount"]
        assert unit == unit.quantize(Decimal("0.01"))
    assert validate(refund, fmt) == ()


def test_rounded_units_produce_a_line_that_does_not_multiply_out():
    seen = []

    @settings(max_examples=100, database=None)
    @given(refunds("railz", rounded_units=True))
    def collect(refund):
        for line in refund["lines"]:
            gross = line["quantity"] * line["unitAmount"]
            seen.append(gross not in (line["totalAmount"], line.get("subTotal")))

    collect()
    assert any(seen)


@pytest.mark.parametrize("fmt", list(FORMATS))
@FEW
@given(data=st.data())
def test_empty_lines_end_the_lines_and_are_reported(fmt, data):
    refund = data.draw(refunds(fmt, empty_lines=True))
    key = "line_items" if fmt.startswith("rutter") else "lines"
    assert refund[key][-1] == {}
    report = validate(refund, fmt)
    assert [e.message for e in report] == [EMPTY_LINE]


@pytest.mark.parametrize(
    ("platform", "ids"),
    [
        ("quickbooks-desktop", {"8000006D-1217255359", "80000071-1217255359"}),
        ("netsuite", {"1"}),
    ],
)
@FEW
@given(data=st.data())
def test_currency_ids_are_the_platforms_own(platform, ids, data):
    refund = data.draw(refunds("railz", currency_ids=platform))
    assert refund["currencyRef"]["id"] in ids
    assert refund["currencyRef"]["name"]
    validate(refund, "railz")  # valid; a warning may say the id is no ISO code


@FEW
@given(st.data())
def test_tax_inclusive_lines_include_their_tax(data):
    railz = data.draw(refunds("railz", tax_inclusive=True))
    for line in railz["lines"]:
        if "discountAmount" in line or "discountPercentage" in line:
            continue
        gross = line["quantity"] * line["unitAmount"]  # the unit amount includes tax
        assert abs(gross - line["totalAmount"]) <= line["quantity"] * Decimal("0.005")
        if "subTotal" in line:  # or only totalAmount, the tax in the header
            assert line["totalAmount"] == line["subTotal"] + line["taxAmount"]
    assert validate(railz, "railz") == ()
    rutter = data.draw(refunds("rutter", tax_inclusive=True))
    lines = sum(line["total_amount"] for line in rutter["line_items"])
    assert rutter["total_amount"] == lines - (rutter["discount_amount"] or 0)
    assert validate(rutter, "rutter") == ()
    body = data.draw(refunds("rutter-create", tax_inclusive=True))
    assert body["additional_fields"] == {"tax_inclusive": True}
    assert validate(body, "rutter-create") == ()


@pytest.mark.parametrize("fmt", list(FORMATS))
@FEW
@given(data=st.data())
def test_numeric_strings_are_taken_and_refused_when_strict(fmt, data):
    refund = data.draw(refunds(fmt, numeric_strings=True))
    assert not any(isinstance(leaf, Decimal) for leaf in _leaves(refund))
    assert validate(refund, fmt) == ()


@FEW
@given(refunds("railz", numeric_strings=True))
def test_numeric_strings_are_refused_when_strict(refund):
    with pytest.raises(ValidationError, match="totalAmount"):
        validate(refund, "railz", strict=True)


@pytest.mark.parametrize("fmt", list(FORMATS))
@FEW
@given(data=st.data())
def test_unknown_keys_are_reported_as_such(fmt, data):
    refund = data.draw(refunds(fmt, unknown_keys=True))
    report = validate(refund, fmt)
    assert report
    assert all("unknown-key" in kinds_of(entry) for entry in report)


def test_a_quirk_a_format_does_not_have_is_refused_naming_those_that_do():
    with pytest.raises(UsageError, match="numeric_ids: rutter documents do not have it; railz,"):
        refunds("rutter", numeric_ids=True)
    with pytest.raises(UsageError, match="unknown quirk 'rounded'"):
        refunds("railz", rounded=True)
    with pytest.raises(UsageError, match="currency_ids must be one of quickbooks-desktop"):
        refunds("railz", currency_ids="sage")
    with pytest.raises(UsageError, match="railz documents have no shape 'fetch'"):
        documents("railz", shape="fetch")
    with pytest.raises(UsageError, match="unknown format"):
        refunds("railz-v3")
    assert set(QUIRKS) == {
        "numeric_ids",
        "rounded_units",
        "empty_lines",
        "currency_ids",
        "tax_inclusive",
        "numeric_strings",
        "unknown_keys",
    }


@pytest.mark.parametrize("via", ["railz", "railz-v2"])
@pytest.mark.parametrize("shape", ["record", "list"])
@FEW
@given(data=st.data())
def test_pairs_convert_into_each_other_with_the_directory_and_no_warning(via, shape, data):
    pair = data.draw(pairs(via, shape=shape))
    assert isinstance(pair, Pair)
    assert pair.railz_format == via
    assert validate(pair.rutter, "rutter") == ()
    assert validate(pair.railz, via) == ()
    params = (
        {"connection_uuid": "CON-1"}
        if via == "railz-v2"
        else {"business_name": "Büro Ünlü", "service_name": "quickbooks"}
    )
    there = convert(
        pair.railz, via, "rutter", directory=pair.directory, synced_at=SYNCED_AT, **params
    )
    back = convert(pair.rutter, "rutter", via, directory=pair.directory)
    for done in (there, back):
        assert done.untranslated == 0
        assert not [e for e in done.report if e.kind is Kind.WARNING]
    assert there.output == pair.rutter
