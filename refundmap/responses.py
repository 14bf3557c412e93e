"""Write responses read: what Rutter and Railz answer to a create or a push.

Two response formats, validated and read for the refunds they created:

- ``rutter-create-response``: Rutter's answer to ``POST
  /accounting/customer_refunds``: the created refund (the fetch shape,
  ``{"customer_refund": {...}}``), an ``{"async_response": {...}}``, or the
  ``GET /jobs/{id}`` envelope (``{"id", "status", "response": {"body",
  "http_status"}, "request": {"body", ...}}``), whose ``response.body`` is the
  created refund;
- ``railz-push-response``: Railz's answer to ``POST /v2/accounting/refunds``
  (``{"pushCommunicationId", "status", ...}``, which holds no new id), and
  ``GET /v2/data/pushStatus`` (per push ``status``, ``validation.errors`` and
  ``sourceObjectIds``, the platform ids created), bare, in ``data`` or an array.

:meth:`refundmap.Directory.learn` keeps each created refund's Rutter id and
platform id, as references of kind ``refund``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from refundmap import jsonio
from refundmap.report import Entry, Kind, Problem, ValidationError, describe
from refundmap.validation import decode, load

__all__ = ["RESPONSE_FORMATS", "Created", "Response", "read_response", "response_format_of"]

#: The response formats, by name: what each reads.
RESPONSE_FORMATS: dict[str, str] = {
    "rutter-create-response": "Rutter's answer to POST /accounting/customer_refunds:"
    " the created refund, an async_response, or the GET /jobs/{id} envelope",
    "railz-push-response": "Railz's answer to POST /v2/accounting/refunds, and"
    " GET /v2/data/pushStatus (sourceObjectIds, validation.errors)",
}

_ASYNC_STATUSES = ("prequeued", "pending", "success", "failure")
_PUSH_STATUSES = ("success", "failed", "pending")


@attrs.frozen
class Created:
    """One refund a write created, or tried to.

    Attributes:
        path: its JSONPath in the response.
        rutter_id: Rutter's id of it; None where the response does not say (Railz).
        platform_id: the accounting platform's id of it; None where not created.
        status: the write's status, where the response says.
        errors: what the platform refused (Railz's ``validation.errors``), by field.
    """

    path: str
    rutter_id: str | None
    platform_id: str | None
    status: str | None = None
    errors: tuple[Problem, ...] = ()


@attrs.frozen
class Response:
    """A write response, read: its refunds and what was said of it."""

    format: str
    created: tuple[Created, ...]
    report: tuple[Entry, ...]


def read_response(document: Any, fmt: str) -> Response:
    """Read a write response of the response format ``fmt``, with every problem's path.

    Args:
        document: JSON text or decoded JSON; an array of responses is read in order.
        fmt: ``rutter-create-response`` or ``railz-push-response``.

    Raises:
        ValidationError: the document is not such a response (every problem, by path).
        ValueError: for an unknown response format.
    """
    if fmt not in RESPONSE_FORMATS:
        raise ValueError(f"unknown response format {fmt!r}; they are {', '.join(RESPONSE_FORMATS)}")
    raw = decode(document)
    items = [(f"$[{i}]", item) for i, item in enumerate(raw)] if type(raw) is list else [("$", raw)]
    read = _rutter if fmt == "rutter-create-response" else _railz
    created: list[Created] = []
    report: list[Entry] = []
    problems: list[Problem] = []
    for where, item in items:
        if type(item) is not dict:
            problems.append(Problem(where, f"expected a response object, found {describe(item)}"))
            continue
        read(item, where, created, report, problems)
    if problems:
        raise ValidationError(problems)
    return Response(fmt, tuple(created), tuple(report))


def _rerooted(exc: ValidationError, at: str) -> list[Problem]:
    return [Problem(at + p.path[1:], p.message) for p in exc.problems]


def _text(item: dict[str, Any], key: str, where: str, problems: list[Problem]) -> str | None:
    value = item.get(key)
    if value is not None and type(value) is not str:
        problems.append(Problem(f"{where}.{key}", f"expected a string, found {describe(value)}"))
        return None
    return value


def _rutter(
    item: dict[str, Any],
    where: str,
    created: list[Created],
    report: list[Entry],
    problems: list[Problem],
) -> None:
    if "async_response" in item:
        job = item["async_response"]
        at = f"{where}.async_response"
        if type(job) is not dict:
            problems.append(Problem(at, f"expected an object, found {describe(job)}"))
            return
        status = _text(job, "status", at, problems)
        if status is not None and status not in _ASYNC_STATUSES:
            problems.append(
                Problem(
                    f"{at}.status", f"expected one of {', '.join(_ASYNC_STATUSES)}, not {status!r}"
                )
            )
        url = _text(job, "response_url", at, problems)
        report.append(
            Entry(
                Kind.WARNING,
                at,
                None,
                "an async response holds no refund yet: fetch the job"
                + (f" ({url})" if url else "")
                + " and read that",
            )
        )
        return
    if "response" in item and "customer_refund" not in item:
        _job(item, where, created, report, problems)
        return
    _created_refund(item, where, created, problems)


def _job(
    item: dict[str, Any],
    where: str,
    created: list[Created],
    report: list[Entry],
    problems: list[Problem],
) -> None:
    status = _text(item, "status", where, problems)
    response = item.get("response")
    if type(response) is not dict:
        problems.append(
            Problem(f"{where}.response", f"expected an object, found {describe(response)}")
        )
        return
    request = item.get("request")
    if type(request) is dict and request.get("body") is not None:
        try:
            load(request["body"], "rutter-create")
        except ValidationError as exc:
            problems.extend(_rerooted(exc, f"{where}.request.body"))
    body = response.get("body")
    http = response.get("http_status")
    if status in ("failure", "failed") or (type(http) is int and http >= 400):
        report.append(
            Entry(
                Kind.WARNING,
                f"{where}.response.body",
                None,
                f"the job did not create a refund (status {status!r}, HTTP {http}):"
                f" {jsonio.dumps(body)[:200]}",
            )
        )
        created.append(Created(f"{where}.response.body", None, None, status))
        return
    if type(body) is not dict:
        problems.append(
            Problem(f"{where}.response.body", f"expected an object, found {describe(body)}")
        )
        return
    _created_refund(body, f"{where}.response.body", created, problems, status=status)


def _created_refund(
    item: dict[str, Any],
    where: str,
    created: list[Created],
    problems: list[Problem],
    status: str | None = None,
) -> None:
    if "customer_refund" not in item:
        problems.append(
            Problem(
                where,
                'expected a Rutter create response: {"customer_refund": {...}},'
                ' {"async_response": {...}} or a job {"id", "status", "response"}',
            )
        )
        return
    try:
        load(item, "rutter")
    except ValidationError as exc:
        problems.extend(_rerooted(exc, where))
        return
    refund = item["customer_refund"]
    created.append(
        Created(f"{where}.customer_refund", refund.get("id"), refund.get("platform_id"), status)
    )


def _railz(
    item: dict[str, Any],
    where: str,
    created: list[Created],
    report: list[Entry],
    problems: list[Problem],
) -> None:
    if type(item.get("data")) is list and "pushCommunicationId" not in item:
        for index, push in enumerate(item["data"]):
            at = f"{where}.data[{index}]"
            if type(push) is not dict:
                problems.append(Problem(at, f"expected a push status, found {describe(push)}"))
                continue
            _push_status(push, at, created, report, problems)
        return
    if "sourceObjectIds" in item or "validation" in item:
        _push_status(item, where, created, report, problems)
        return
    if "pushCommunicationId" not in item:
        problems.append(
            Problem(
                where,
                'expected a Railz push response {"pushCommunicationId", "status", ...} or'
                ' a push status {"status", "sourceObjectIds", "validation", ...}',
            )
        )
        return
    status = _status(item, where, problems)
    push = _text(item, "pushCommunicationId", where, problems)
    report.append(
        Entry(
            Kind.WARNING,
            where,
            None,
            f"a push response (status {status!r}) holds no new refund's id: read its"
            f" pushStatus (pushCommunicationId {push!r})",
        )
    )


def _status(item: dict[str, Any], where: str, problems: list[Problem]) -> str | None:
    status = _text(item, "status", where, problems)
    if status is not None and status not in _PUSH_STATUSES:
        problems.append(
            Problem(
                f"{where}.status", f"expected one of {', '.join(_PUSH_STATUSES)}, not {status!r}"
            )
        )
    return status


def _push_status(
    item: dict[str, Any],
    where: str,
    created: list[Created],
    report: list[Entry],
    problems: list[Problem],
) -> None:
    status = _status(item, where, problems)
    errors = list(_errors(item.get("validation"), f"{where}.validation", problems))
    for index, error in enumerate(errors):
        message = f"the platform refused the push: {error.path}: {error.message}"
        report.append(Entry(Kind.WARNING, f"{where}.validation.errors[{index}]", None, message))
    ids = item.get("sourceObjectIds")
    if ids is None:
        ids = []
    if type(ids) is not list:
        problems.append(
            Problem(f"{where}.sourceObjectIds", f"expected an array of ids, found {describe(ids)}")
        )
        return
    if not ids:
        created.append(Created(where, None, None, status, tuple(errors)))
    for index, value in enumerate(ids):
        at = f"{where}.sourceObjectIds[{index}]"
        if type(value) not in (str, int):
            problems.append(Problem(at, f"expected an id, found {describe(value)}"))
            continue
        created.append(Created(at, None, str(value), status, tuple(errors)))


def _errors(validation: object, where: str, problems: list[Problem]) -> Iterator[Problem]:
    if validation is None:
        return
    if type(validation) is not dict or type(validation.get("errors", [])) is not list:
        problems.append(
            Problem(
                where,
                f'expected {{"errors": [{{"field", "message"}}]}}, found {describe(validation)}',
            )
        )
        return
    for index, error in enumerate(validation.get("errors") or ()):
        if type(error) is not dict:
            problems.append(
                Problem(f"{where}.errors[{index}]", f"expected an object, found {describe(error)}")
            )
            continue
        yield Problem(str(error.get("field") or "$"), str(error.get("message") or ""))


def response_format_of(document: Any) -> str:
    """Return the response format of a decoded response (an array: of its first object).

    Raises:
        ValidationError: for a document that is neither vendor's write response.
    """
    first = document[0] if type(document) is list and document else document
    if type(first) is dict:
        if {"customer_refund", "async_response", "response"} & first.keys():
            return "rutter-create-response"
        if {"pushCommunicationId", "sourceObjectIds", "validation", "data"} & first.keys():
            return "railz-push-response"
    raise ValidationError(
        [
            Problem(
                "$",
                "not a write response: expected Rutter's create response (customer_refund,"
                " async_response, or a job's response) or Railz's push response or pushStatus",
            )
        ]
    )
