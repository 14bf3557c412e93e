"""The suite's own settings: the hypothesis profiles of conftest.py and the sizes they give."""

import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import strategies


@pytest.fixture
def profile():
    """Load a profile and re-read strategies.py under it; put both back after."""
    before = settings.get_current_profile_name()

    def load(name):
        settings.load_profile(name)
        return importlib.reload(strategies)

    yield load
    settings.load_profile(before)
    importlib.reload(strategies)


def test_each_profile_runs_the_examples_its_docstring_says():
    assert [settings.get_profile(n).max_examples for n in ("fast", "dev", "ci", "deep")] == [
        10,
        100,
        200,
        20_000,
    ]
    assert settings.get_profile("ci").derandomize


@pytest.mark.parametrize(("name", "lines"), [("fast", 3), ("dev", 5), ("ci", 5), ("deep", 20)])
def test_documents_are_small_except_in_deep(profile, name, lines):
    sized = profile(name)
    assert lines == sized.MAX_LINES
    assert (3 if name == "deep" else 2) == sized.MAX_RECORDS


LINES = {
    "rutter": lambda r: len(r["line_items"]),
    "rutter-create": lambda r: len(r.get("customer_refund", r)["line_items"]),
    "railz": lambda r: len(r.get("lines", ())),
    "railz-v2": lambda r: len(r.get("lines", ())),
}


def made(name, **options):
    return {
        "rutter": strategies.rutter_refunds,
        "rutter-create": strategies.rutter_create_bodies,
        "railz": strategies.railz_refunds,
        "railz-v2": strategies.railz_v2_refunds,
    }[name](**options)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(list(LINES)))
def test_a_refund_has_at_most_max_lines_lines(data, name):
    assert LINES[name](data.draw(made(name))) <= strategies.MAX_LINES


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["rutter", "railz"]))
def test_a_test_may_ask_for_other_sizes(data, name):
    assert LINES[name](data.draw(made(name, max_lines=0))) == 0


def _records(document):
    """How many records each list of a generated document holds, and each array documents."""
    if isinstance(document, list):
        return [len(document), *(n for d in document for n in _records(d))]
    held = document.get("data", document.get("customer_refunds"))
    return [len(held)] if isinstance(held, list) else []


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["rutter", "railz", "railz-v2"]))
def test_a_document_lists_at_most_max_records(data, fmt):
    made = {
        "rutter": strategies.rutter_documents,
        "railz": strategies.railz_documents,
        "railz-v2": strategies.railz_v2_documents,
    }[fmt]
    assert max(_records(data.draw(made())), default=0) <= strategies.MAX_RECORDS
    assert max(_records(data.draw(made(max_records=0))), default=0) == 0


def test_a_strategy_is_built_once_for_its_arguments():
    # Building (and Hypothesis validating) a strategy tree cost more than drawing from it.
    from refundmap.testing import _payloads

    money = _payloads.money("USD", high=5)
    assert money is _payloads.money("USD", high=5)
    assert _payloads.maybe(money) is _payloads.maybe(money)
    assert strategies.railz_documents(with_account=True) is strategies.railz_documents(
        with_account=True
    )
    assert strategies.rutter_refunds(whole=True) is not strategies.rutter_refunds(whole=False)
