"""The code the mapping compiler generates for each pair of formats."""

import re

import pytest

import refundmap
from refundmap.codec.fields import fields, is_list, keys, models_in, without_none
from refundmap.formats import get_format
from refundmap.mapping import PAIRS
from refundmap.mapping.compiler import _compiled
from refundmap.mapping.runtime import Run

import golden


@pytest.mark.parametrize(("source", "target"), sorted(PAIRS))
def test_a_list_envelope_does_not_finish_its_records_again(source, target):
    """map_refund finishes each record in place; the envelope's finisher takes them as they are."""
    _, code = _compiled(source, target, lookup=False)
    record = f"finish_{get_format(target).record.__name__}"
    finishers = dict(re.findall(r"def (finish_\w+)\(d, run, sp\):\n((?:    .*\n)+)", code))
    lists = [name for name in finishers if "List" in name]
    for name in lists:
        assert record not in finishers[name], name
    if lists:  # and the records are finished, once, by map_refund
        assert f"return {record}_made(out, run, sp)" in code


def _in_model_order(value: dict, cls: type, fmt, at: str) -> None:
    """Assert that ``value``'s keys, and its objects' keys, are in its model's order."""
    names = keys(cls, fmt.naming)
    order = [names[field.name] for field in fields(cls)]
    assert list(value) == [key for key in order if key in value], at
    for field in fields(cls):
        held, models = value.get(names[field.name]), models_in(field.type)
        if held is None or not models:
            continue
        for index, item in enumerate(held if is_list(without_none(field.type)) else [held]):
            if isinstance(item, dict):
                _in_model_order(item, models[0], fmt, f"{at}.{names[field.name]}[{index}]")


@pytest.mark.parametrize(("path", "source", "target"), list(golden.cases()), ids=str)
def test_outputs_are_in_the_target_models_key_order(path, source, target):
    """A table's dict is made in order and finished in place: no rule moves a key."""
    try:
        result = refundmap.convert(
            path.read_bytes(), source, target, synced_at=golden.SYNCED_AT,
            **golden.parameters(target),
        )  # fmt: skip
    except refundmap.MappingError:
        return  # the target cannot hold this fixture (a golden mapping error)
    fmt = get_format(target)
    output = result.output
    for document in output if isinstance(output, list) else [output]:
        _in_model_order(document, fmt.shape_of(document).model, fmt, "$")


@pytest.mark.parametrize(("source", "target"), sorted(PAIRS))
def test_a_made_dict_with_a_key_its_model_lacks_is_remade(source, target):
    """The in-place finisher of a table's dict remakes one a rule gave a key of its own."""
    compiled, _ = _compiled(source, target, lookup=False)
    namespace = compiled.refund.__globals__
    record = get_format(target).record
    made, remade = (
        namespace[f"finish_{record.__name__}_made"],
        namespace[f"finish_{record.__name__}"],
    )
    names = keys(record, get_format(target).naming)
    given = {names[field.name]: None for field in fields(record)} | {"stray": 1}
    run = Run(get_format(source), get_format(target), synced_at=golden.SYNCED_AT)
    assert made(dict(given), run, "$") == remade(dict(given), run, "$")
    assert "stray" not in made(dict(given), run, "$")
