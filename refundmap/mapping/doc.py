"""Render the tables as Markdown.

``python -m refundmap.mapping.doc > docs/mapping.md`` writes the field mapping;
``python -m refundmap.mapping.doc platforms > docs/platforms.md`` the platform profiles.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from refundmap.mapping.platforms import PLATFORMS, ROWS, Rule
from refundmap.mapping.rules import RUTTER_ID_NAMESPACE
from refundmap.mapping.table import ENVELOPE, FORMAT_COLUMNS, LINE, REFUND, Cell, Marker, Row

__all__ = ["render", "render_platforms"]

_MARKERS = {
    Marker.DROPPED: "*(dropped)*",
    Marker.OMITTED: "*(omitted)*",
    Marker.LINES_TOTAL: "*(sum of the lines)*",
    Marker.FOLDED: "*(part of another field)*",
}


def _cell(cell: Cell) -> str:
    return _MARKERS[cell] if isinstance(cell, Marker) else f"`{cell}`"


def _table(rows: Sequence[Row]) -> list[str]:
    names = list(FORMAT_COLUMNS)
    lines = [
        "| " + " | ".join(names) + " | rule | note |",
        "|" + "---|" * (len(names) + 2),
    ]
    for row in rows:
        cells = [_cell(row.cell(name)) for name in names]
        rules = [f"`{r}`" for r in (row.make, row.write, row.apply) if r]
        if row.ref:
            rules.append(f"translated ({row.ref})")
        rule = ", ".join(rules)
        note = "each line maps by the Line table" if row.lines else row.note
        lines.append("| " + " | ".join([*cells, rule, note]) + " |")
    return lines


def render() -> str:
    """Return ``docs/mapping.md`` as the table in :mod:`refundmap.mapping.table` has it."""
    parts = [
        "# The field mapping",
        "",
        "Generated from `refundmap/mapping/table.py` by"
        " `python -m refundmap.mapping.doc > docs/mapping.md`; a test fails when this",
        "page and the table differ. Each row is one field across the formats.",
        "",
        "- a key path (`accountRef.id`) is where the value sits in that format;",
        "- *(dropped)*: the format has no field for the value; converting a non-null"
        " value into it reports `dropped` (and fails a lossless conversion);",
        "- *(omitted)*: vendor bookkeeping; converting a non-null value into it reports `omitted`;",
        "- *(sum of the lines)*: the Rutter create body has no total; Rutter takes the"
        " sum of the line totals, and a conversion whose lines sum to another total"
        " reports it (and fails when lossless);",
        "- *(part of another field)*: the format has no field of its own for the value,"
        " and it is part of another's (see Tax below); it is not reported on its own;",
        "- a *rule* in `refundmap/mapping/rules.py` makes the value when converting into"
        " a format whose cell is a key and the source has none (`make`), checks a"
        " value on its way in (`write`), or maps a field that sits at no one place in"
        " a format (`apply`: the refund's department is an entry on every Railz"
        " version 2 line);",
        "- *translated (kind)*: the value is a reference id. Between a Rutter format and a"
        " Railz format it is translated from one id space to the other through a"
        " directory (`refundmap.Directory`, `--refs`): Rutter's own id <-> the"
        " platform's id, reported as `derived`; where the Railz cell's object has a"
        " `name` (`accountRef.name`), the directory's name is written there too. An id"
        " the directory does not hold (or any id, without a directory) is copied and"
        " reported as a `warning`, or refused with `require_refs`;",
        "- `list[type].key` selects from a list of typed entries:"
        " `trackingCategoryRefs[class].id` is the id of the line's one entry of type"
        " `class`; other types are reported at their own index.",
        "",
        f"Synthesized Rutter ids are `uuid5({RUTTER_ID_NAMESPACE}, railz_id)`; where a"
        " Railz list response names its connection (version 2 `meta.connectionUuid`,"
        " version 1 `meta.businessName` with `meta.serviceName`), the Railz id is scoped"
        " by it, `uuid5(NS, 'connection CON-.../1')` or `uuid5(NS, 'business"
        ' quickbooks/Name/1\')`, so that refund "1" of two businesses gets two ids.',
        "",
        "## Refund",
        "",
        *_table(REFUND),
        "",
        "## Line",
        "",
        *_table(LINE),
        "",
        "## Tax",
        "",
        "The vendors define their amounts differently, and the mapping follows their"
        " definitions so that a refund whose figures add up in one format adds up in"
        " the other:",
        "",
        "- Rutter: a line's `total_amount` is `item.quantity` x `item.unit_amount`;"
        " the refund's `total_amount` is the lines' sum less `discount_amount`"
        ' ("decreases the total") plus `tax_amount` ("increases the total"), or'
        " less the discount only where the lines include tax. The read object has no"
        " flag saying which; the create body has `additional_fields.tax_inclusive`.",
        "- Railz version 1: a line's `subTotal` is \"inclusive of discounts but exclusive"
        ' of tax", its `totalAmount` "inclusive of discounts and tax"; the refund\'s'
        " `totalAmount` is its `subTotal` plus `taxAmount`.",
        "",
        "A Railz line's discount is its `discountAmount`, else `discountPercentage` %"
        " of `quantity x unitAmount` (a `discountAmount` of 0 beside a percentage is"
        " taken as not given, unless the line's figures apply no discount: its"
        " `subTotal` is `quantity x unitAmount`). Where its figures fit both, within"
        " rounding (33 % of 0.02 is 0.01 booked, and `subTotal` 0.01 is 0.02 either"
        " way), the refund decides: into a Rutter refund, the percentage's discount is"
        " added back to the line (derived) where the refund's `totalDiscount` is the"
        " lines' discounts with it, and not without it.",
        "",
        "So a Railz version 1 line's Rutter `total_amount` is the line **before tax and"
        " discount**: `subTotal` + its discount (derived), the line's discount going"
        " to the refund's `discount_amount` through `totalDiscount` (where the refund"
        " has none, `discount_amount` is the sum of its lines' discounts, derived),"
        " and its tax to"
        " `tax_amount` through the refund's `taxAmount`; for a discount by percentage"
        " too (`quantity x unitAmount` may be rounded: 5.15 x 100 at 10 % with"
        " `subTotal` 463.51 is 515.01). Where a line's unit amounts"
        " include tax (Xero's default: its `totalAmount`, not its `subTotal`, is"
        " `quantity x unitAmount` less its discount), it is `totalAmount` + its"
        " discount, and Rutter's rule for lines that include tax holds. A refund's"
        " lines share one tax treatment: a line whose `subTotal` and `totalAmount`"
        " both fit `quantity x unitAmount` within rounding follows the lines whose"
        " figures say (derived), and where none says, is read as excluding tax. Without"
        " a `subTotal` it is `totalAmount - taxAmount` + its discount. The line's"
        " `taxAmount` and `discountAmount` have no Rutter field and are reported"
        " dropped.",
        "",
        "A Rutter create body has no total, no discount and no tax: Rutter computes"
        " each line as `item.quantity` (default 1) x `item.unit_amount`, and the"
        " refund from its lines. So that the refund it creates has the source's"
        " total, its lines are **net of their discounts** (derived): a Railz version 1"
        " line's `subTotal`, or its `totalAmount` where its unit amounts include tax,"
        " or `totalAmount - taxAmount`; a version 2 line's `amount` as it is. A unit"
        " amount that does not give the line's total exactly (it is before the"
        " line's discount, or rounded to the minor unit: 4.89 x 5 against 24.46)"
        " becomes the line's total / quantity where that is exact (67.5 / 3 = 22.5),"
        " and is left out otherwise, so that Rutter takes `total_amount` (derived, both)."
        " Railz's `totalDiscount`, where it is the lines' discounts, is reported"
        " derived (the lines are net of it). A discount the lines do not carry (a"
        " header-only discount, or a Rutter refund's `discount_amount`) has no place"
        " in the body: it is reported dropped, and the total's change is a warning"
        " that names the difference. `additional_fields.tax_inclusive` says how Rutter"
        " is to read the lines (derived): from Railz version 1, `true` where every line"
        " that carries tax and says has unit amounts that include it, `false` where"
        " none has,"
        " and where no line carries tax but the refund does, `true` where the lines'"
        " totals sum to `totalAmount` (and `subTotal` + `taxAmount` is `totalAmount`),"
        " `false` where they sum to it less the tax; from a Rutter refund, `true` where"
        " its total is the lines less the discount,"
        " `false` where it is that plus the tax; from Railz version 2, `true` where the"
        " line amounts sum to the total, `false` where they sum to it less the tax."
        " Where the source does not say (no tax, lines that disagree), the key is"
        " left out. Without the key Rutter reads the lines as excluding tax (its"
        " default): the implied total that a conversion compares with the source's"
        " is the sum of the lines as Rutter computes them, plus the source's tax"
        " unless `tax_inclusive` is true.",
        "",
        "A Railz version 2 line has one `amount`, and Railz does not say whether it"
        " includes tax: it is copied as it is, except that into a Rutter refund, where"
        " it is `quantity x unitAmount` less its discount, the discount is added back"
        " (derived), as for version 1; and where the refund's arithmetic says the"
        " amounts include tax (they sum to `totalAmount`, not to it less `taxAmount`,"
        " and the lines' `taxAmount` sum to the refund's, as `railz -> railz-v2`"
        " writes them), each line's tax is taken off (derived): Rutter's line total"
        " is before tax. A line whose `discountAmount` 0 beside a percentage fits"
        " both no discount with unit amounts that include tax and the discount with"
        " ones that exclude it follows the refund's other lines where they exclude"
        " it and the refund has no `totalDiscount`: its discount is added back to the"
        " line and to `discount_amount` (derived).",
        "",
        "Rutter -> Railz: a Rutter line total (`item.quantity x item.unit_amount`,"
        " before the refund's discount and tax) goes where Railz's definitions put it,"
        " decided from the refund's own arithmetic: into version 1, the line's"
        " `subTotal` where the lines exclude tax (the total is the lines less the"
        " discount plus the tax, or the total says neither), its `totalAmount` where"
        " they include it (the total is the lines less the discount), both where the"
        " refund has no tax (derived). A refund with one line has its discount and tax"
        " on that line: `discountAmount`, `taxAmount`, a `subTotal` net of the"
        " discount and a `totalAmount` with the tax. Over several lines no line's share"
        " of a discount or tax is known: a figure that needs one is not written, and a"
        " line total that no figure can hold (the refund has a discount) is reported"
        " dropped (the line's `quantity` and `unitAmount` still carry it); into a push"
        " body, whose line the platform cannot book without an amount, it is a warning"
        " at the line's `totalAmount`, and no share is invented. A version 1"
        " push line has `totalAmount` only, by the same rule. Version 2 lines get the"
        " Rutter line total as `amount`. The refund's `subTotal` is `total_amount -"
        " tax_amount` (derived).",
        "",
        "The checks (`refundmap validate`, and each converted record) take figures to"
        " agree within half of the currency's minor unit, and `quantity x unit amount`"
        " to agree with a line's amount within half a minor unit x (|quantity| + 1):"
        " platforms round unit amounts to the minor unit and keep line amounts exact"
        " (4.89 x 5 = 24.46, 6.87 x 200 = 1373.37). JPY has no minor unit (half a"
        " yen), BHD three. Beyond that, a warning gives the figures.",
        "",
        "Every converted record is then checked by the target format's own rules"
        " (totals, reference ids, currency codes); a failure is a `warning` at its"
        " target path, and fails a lossless conversion.",
        "",
        "## Dates",
        "",
        "Every format reads and writes dates the same way (`refundmap/dates.py`):",
        "",
        "- a bare date (`2024-06-30`) stays a bare date; a push body's calendar date"
        " (`postedDate`, `date`) is the day of a timestamp in its own offset (derived);",
        "- a timestamp keeps its offset (`Z` for UTC, `+00:00` is written `Z`), or"
        " stays without one, and is never moved to another day or zone;",
        "- a timestamp keeps **every fractional digit it came with**: `.1234567`"
        " (.NET's 100 ns ticks) stays `.1234567`, `.123000` stays `.123000`; fewer"
        " than three digits are written as milliseconds (`.5` as `.500`, none as"
        " `.000`). No conversion path drops a digit, so none is reported;",
        "- a **leap second** (`23:59:60Z`, RFC 3339) is accepted where one can be:"
        " at the end of a UTC day (`15:59:60-08:00` too). It is written back as it"
        " came, and compares as `23:59:59.999999`. Second 60 at any other time is"
        " a validation error;",
        "- **`24:00`**, the end of a day as ISO 8601 writes it"
        " (`2024-12-31T24:00:00Z`, or `T24:00Z`, basic `T2400Z`, nothing but zeros after it), is"
        " **kept as written**, in every format: it is the day it ends, and moving it"
        " to the next day's midnight would change, without a word, the day a refund"
        " is booked on (converting a format to itself included). It is written"
        " `2024-12-31T24:00:00.000Z`, compares as `23:59:59.999999` of that day (as a"
        " leap second does), and a push body's calendar day is the day it ends"
        " (`2024-12-31`, derived). Any other hour 24 (`24:00:01`, `24:30`) is a"
        " validation error;",
        "- the **space** RFC 3339 allows for `T` (`2024-06-30 12:00:00Z`) is"
        " accepted and written as `T`, the form both vendors document; nothing"
        " else changes, so it is not reported;",
        "- refused, as before: what is not a date or timestamp (`2024-06-30 12:00`,"
        " two spaces, `02/01/2023`), impossible dates and times, offsets of 24"
        " hours or more, and more than six fractional digits in a form other"
        " than `hh:mm:ss.fffffffff` (basic `hhmmss.fffffffff`), which would"
        " otherwise lose digits.",
        "",
        "## List envelope",
        "",
        "The records map by the tables above; a target without an envelope (a Railz"
        " refund, a Rutter create body) reports every envelope value as omitted.",
        "",
        *_table(ENVELOPE),
        "",
    ]
    return "\n".join(parts)


_RULES = {
    Rule.TAKES: "takes",
    Rule.REQUIRED: "**required**",
    Rule.REFUSED: "*(refused)*",
    Rule.GENERIC: "-",
}


def render_platforms() -> str:
    """Return ``docs/platforms.md`` as :mod:`refundmap.mapping.platforms` has it."""
    names = [p.name for p in PLATFORMS]
    lines = [
        "# Platform profiles",
        "",
        "Generated from `refundmap/mapping/platforms.py` by"
        " `python -m refundmap.mapping.doc platforms > docs/platforms.md`; a test fails when",
        "this page and the table differ. Each row is one field of one write format; each"
        " column what a platform does with it.",
        "",
        "- takes: the platform takes the field;",
        "- **required**: the platform refuses a body without it (a conversion fails, naming"
        " the target path, unless a default gives it; `validate` warns);",
        "- *(refused)*: the platform does not take it: a conversion leaves the value out and"
        " reports it as `dropped`, at its source path, with the reason; `validate` warns;",
        "- -: no source says; the format's generic rules apply.",
        "",
        "The platform is the one the document names (Rutter's `connection.platform`, Railz's"
        " `meta.serviceName`, a push body's `connection.serviceName`), else `platform=`"
        " (`--platform`); none known, no row applies. The platforms' names:",
        "",
        "| platform | Rutter | Railz |",
        "|---|---|---|",
        *(f"| {p.name} | `{p.rutter}` | `{p.railz}` |" for p in PLATFORMS),
        "",
        "| format | field | " + " | ".join(names) + " | source | why |",
        "|" + "---|" * (len(names) + 4),
    ]
    for row in ROWS:
        field = f"`{row.field}`"
        if row.unless:
            field += f" (unless `{row.unless}`)"
        if row.when_from:
            field += f" (from Rutter's `{row.when_from}`)"
        cells = [_RULES[row.rule(p)] for p in PLATFORMS]
        lines.append(
            "| " + " | ".join([f"`{row.format}`", field, *cells, row.source, row.why]) + " |"
        )
    lines += [
        "",
        "Railz publishes its current rules as data (`GET /v2/data/pushOptions?dataType=refunds`):"
        " a saved response given as `push_options=` (`--push-options FILE`) checks",
        "`railz-v2-push` records against the platform's fields in it: a required field"
        " missing, or a value not among a field's `enumValues`, fails the conversion.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    page = render_platforms() if sys.argv[1:] == ["platforms"] else render()
    print(page, end="")  # noqa: T201 - the module's job is to print the page
