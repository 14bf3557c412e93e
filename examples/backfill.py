"""Move refunds from Railz to Rutter: fetch a page, convert each record, POST the bodies.

    python examples/backfill.py RAILZ_PAGE_URL RUTTER_POST_URL [--refs FILE]

Each Railz refund of the page becomes a Rutter create body (``rutter-create``);
a refund that cannot be converted is reported with its problems and skipped,
the others are sent. Retries, authentication and rate limits are the caller's:
this is the shape of an integration, checked by ``tests/docs/test_examples.py``
against a local server and by ``mypy --strict`` in CI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import attrs
import httpx

import refundmap


@attrs.frozen
class Outcome:
    """What a backfill did: the records sent, and the ones refused with why."""

    sent: list[str]
    refused: list[tuple[str, refundmap.RefundmapError]]


def backfill(
    client: httpx.Client,
    page_url: str,
    post_url: str,
    *,
    directory: refundmap.Directory | None = None,
) -> Outcome:
    """Fetch the Railz list page at ``page_url`` and POST each record's body to ``post_url``.

    Raises:
        httpx.HTTPStatusError: a request was answered with an error status.
        refundmap.ValidationError: the page is not a Railz list response at all.
    """
    response = client.get(page_url)
    response.raise_for_status()
    sent: list[str] = []
    refused: list[tuple[str, refundmap.RefundmapError]] = []
    for result in refundmap.convert_each(
        response.content, "railz", "rutter-create", directory=directory
    ):
        if result.error is not None:
            refused.append((result.path, result.error))
            continue
        posted = client.post(
            post_url, content=result.to_json(), headers={"Content-Type": "application/json"}
        )
        posted.raise_for_status()
        sent.append(result.path)
    return Outcome(sent, refused)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the backfill from the command line; 0 when every record was sent, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("page_url")
    parser.add_argument("post_url")
    parser.add_argument("--refs", action="append", default=[], metavar="FILE")
    args = parser.parse_args(argv)
    directory = refundmap.Directory.from_files(*args.refs) if args.refs else None
    with httpx.Client(timeout=10.0) as client:
        outcome = backfill(client, args.page_url, args.post_url, directory=directory)
    for path, error in outcome.refused:
        for problem in error.problems:
            print(f"refused {path}: {problem.path}: {problem.message}", file=sys.stderr)
    print(f"sent {len(outcome.sent)}, refused {len(outcome.refused)}")
    return 1 if outcome.refused else 0


if __name__ == "__main__":
    raise SystemExit(main())
