"""The mapping table (refundmap/mapping/table.py) is the contract, and docs/mapping.md its page."""

from refundmap.mapping.doc import render

from helpers import ROOT


def test_mapping_doc_is_generated_from_the_table():
    assert (ROOT / "docs/mapping.md").read_text() == render(), (
        "run: python -m refundmap.mapping.doc > docs/mapping.md"
    )
