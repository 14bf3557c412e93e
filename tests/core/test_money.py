from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refundmap.money import (
    AmountError,
    format_amount,
    in_bounds,
    parse_amount,
    parse_integer,
)

from strategies import amounts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("123.45"), Decimal("123.45")),
        (7, Decimal(7)),
        (123.45, Decimal("123.45")),
        (0.1, Decimal("0.1")),
        ("12.88", Decimal("12.88")),
        ("-1e2", Decimal("-1E+2")),
    ],
)
def test_amounts_are_exact(value, expected):
    parsed = parse_amount(value)
    assert parsed == expected
    assert str(parsed) == str(expected)


@pytest.mark.parametrize(
    ("value", "found"),
    [
        (True, "true"),
        (None, "null"),
        ("12,50", '"12,50"'),
        ("NaN", '"NaN"'),
        (" 12", '" 12"'),
        ("1_000", '"1_000"'),
        (Decimal("NaN"), "NaN"),
        (float("inf"), "inf"),
        ([], "an array"),
    ],
)
def test_non_amounts_are_refused(value, found):
    with pytest.raises(AmountError, match="expected a decimal amount, got ") as exc:
        parse_amount(value)
    assert str(exc.value).endswith(found)


@pytest.mark.parametrize("value", [Decimal("1E15"), 10**15, "-1000000000000000", 1e15])
def test_magnitude_of_ten_to_the_fifteen_is_refused(value):
    with pytest.raises(AmountError, match="smaller than 10\\^15"):
        parse_amount(value)


def test_just_under_the_bound_is_taken():
    assert parse_amount("999999999999999.99") == Decimal("999999999999999.99")


def test_more_than_twenty_places_is_refused():
    with pytest.raises(AmountError, match="at most 20 decimal places"):
        parse_amount(Decimal("1e-999999999"))


def test_numeric_strings_are_refused_when_strict():
    with pytest.raises(AmountError, match="refused in strict mode"):
        parse_amount("12.88", strict=True)


def test_integers_take_integral_decimals_and_refuse_fractions():
    assert parse_integer(Decimal("3.0")) == 3
    with pytest.raises(AmountError, match=r"expected an integer, got 2\.5"):
        parse_integer(Decimal("2.5"))


@given(amounts)
def test_parse_amount_keeps_every_digit(amount):
    assert parse_amount(format(amount, "f")) == amount
    assert parse_amount(amount) is amount


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1E+2", "100"),
        ("1.10", "1.10"),
        ("-0.0", "-0.0"),
        ("1E-7", "0.0000001"),
        ("12345678901234.56", "12345678901234.56"),
    ],
)
def test_amounts_are_written_as_plain_json_numbers(value, text):
    assert format_amount(Decimal(value)) == text


@pytest.mark.parametrize("value", ["1e999999999", "-1e999999999", "-1e20"])
def test_huge_exponents_are_refused_without_overflow(value):
    # abs() of such a Decimal raises decimal.Overflow; the check must not.
    with pytest.raises(AmountError, match="smaller than 10\\^15"):
        parse_amount(Decimal(value))


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("0e15", "0"),
        ("0E+30", "0"),
        ("0E+999999999", "0"),
        ("0E-30", "0"),
        ("0.00", "0.00"),
        ("-0", "-0"),
        ("0", "0"),
    ],
)
def test_zero_with_any_exponent_is_zero(text, parsed):
    # 0e15 was refused as "not smaller than 10^15" (issue 17).
    assert str(parse_amount(text)) == parsed
    assert str(parse_amount(Decimal(text))) == parsed


@given(
    st.decimals(allow_nan=True, allow_infinity=True)
    | st.builds(
        Decimal, st.from_regex(r"-?[0-9]{1,18}(\.[0-9]{0,24})?(E[+-]?[0-9]{1,2})?", fullmatch=True)
    )
)
def test_in_bounds_is_the_amount_rule_without_as_tuple(value):
    """in_bounds takes exactly the decimals below 10^15 with at most 20 places."""
    expected = value.is_finite() and value.adjusted() < 15 and value.as_tuple().exponent >= -20
    assert in_bounds(value) is expected


def test_in_bounds_takes_only_decimals():
    assert not in_bounds(1)
    assert not in_bounds("1.00")
    assert in_bounds(Decimal("999999999999999.99999999999999999999"))
    assert not in_bounds(Decimal(1000000000000000))
    assert not in_bounds(Decimal("0.000000000000000000001"))
    assert in_bounds(Decimal("1E-20"))
    assert not in_bounds(Decimal("1E-21"))


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("-999999999999999.5", True),  # 16 characters before the point, the sign one of them
        ("999999999999999.5", True),
        ("1000000000000000.5", False),
        ("-1000000000000000.5", False),
        ("0.00000000000000000001", True),
        ("-0.000000000000000000010", False),  # 21 places, although its last is a zero
        ("1.5E+3", True),
        ("1.5E+15", False),
    ],
)
def test_in_bounds_at_the_edges_of_its_quick_reading(text, taken):
    """The digits before and after the point decide, with a sign or an exponent too."""
    assert in_bounds(Decimal(text)) is taken
