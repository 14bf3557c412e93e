"""The code the mapping compiler generates for each pair of formats."""

import re

import pytest

from refundmap.formats import get_format
from refundmap.mapping import PAIRS
from refundmap.mapping.compiler import _compiled


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
