"""Adding up the ids copied untranslated, as the command does over its records."""

from refundmap.missing import MissingReference, add_missing


def test_an_id_met_again_adds_its_count_and_keeps_its_first_row():
    found: dict[tuple[str, str], MissingReference] = {}
    add_missing(
        found,
        [MissingReference("account", "", "A-1", "Sales"), MissingReference("item", "", "I-1")],
    )
    add_missing(found, [MissingReference("account", "", "A-1", "", count=3)])
    assert list(found.values()) == [
        MissingReference("account", "", "A-1", "Sales", count=4),
        MissingReference("item", "", "I-1"),
    ]
