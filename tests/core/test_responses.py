"""Write responses: read, validated with paths, and learned by a Directory."""

import json

import pytest

from refundmap import Directory, Kind, ValidationError, convert, validate
from refundmap.responses import read_response

from helpers import ROOT

RESPONSES = ROOT / "fixtures" / "responses"
RUTTER_ID = "5b0e9c1a-7d3f-4e2b-9a8c-1f2e3d4c5b6a"
XERO_ID = "c8a1f0e2-44b7-4e0a-9b3d-7f1e2a3b4c5d"


def load(name):
    return json.loads((RESPONSES / name).read_text())


@pytest.mark.parametrize("name", ["rutter-created.json", "rutter-job.json"])
def test_a_rutter_create_response_gives_both_ids(name):
    (created,) = read_response(load(name), "rutter-create-response").created
    assert (created.rutter_id, created.platform_id) == (RUTTER_ID, XERO_ID)


def test_an_async_response_holds_no_refund_yet():
    response = read_response(load("rutter-async.json"), "rutter-create-response")
    assert response.created == ()
    (entry,) = response.report
    assert entry.source_path == "$.async_response"
    assert "fetch the job (https://production.rutterapi.com/versioned/jobs/" in entry.message


def test_a_failed_job_is_said_and_creates_nothing():
    response = read_response(load("rutter-job-failed.json"), "rutter-create-response")
    (created,) = response.created
    assert (created.rutter_id, created.platform_id, created.status) == (None, None, "failure")
    assert "HTTP 450" in response.report[0].message


def test_a_railz_push_status_gives_the_platform_ids_and_the_errors():
    response = read_response(load("railz-push-status.json"), "railz-push-response")
    ids = [c.platform_id for c in response.created]
    assert ids == ["144", "154", None]
    assert response.created[2].errors[0].path == "customerRef"
    (entry,) = response.report
    assert entry.source_path == "$.data[1].validation.errors[0]"
    assert entry.message == "the platform refused the push: customerRef: customerRef is required"


def test_a_railz_push_response_holds_no_id():
    entries = validate(load("railz-push.json"), "railz-push-response")
    assert "holds no new refund's id: read its pushStatus" in entries[0].message


def test_bad_responses_are_named_by_path():
    job = load("rutter-job.json")
    job["response"]["body"]["customer_refund"]["total_amount"] = "lots"
    with pytest.raises(ValidationError) as caught:
        validate(job, "rutter-create-response")
    assert [p.path for p in caught.value.problems] == [
        "$.response.body.customer_refund.total_amount"
    ]
    status = load("railz-push-status.json")
    status["data"][0]["status"] = "done"
    status["data"][0]["sourceObjectIds"] = [["144"]]
    with pytest.raises(ValidationError) as caught:
        validate(status, "railz-push-response")
    assert [p.path for p in caught.value.problems] == [
        "$.data[0].status",
        "$.data[0].sourceObjectIds[0]",
    ]
    with pytest.raises(ValidationError, match="not a write response"):
        Directory().learn({"customer_refunds": []})


def test_a_directory_learns_the_refunds_created_and_writes_them_as_csv(tmp_path):
    directory = Directory()
    created = directory.learn(load("rutter-job.json"), load("railz-push-status.json"))
    assert len(created) == 4
    (refund,) = list(directory)
    assert (refund.kind, refund.rutter_id, refund.platform_id) == ("refund", RUTTER_ID, XERO_ID)
    assert refund.origin == "response 1 at $.response.body.customer_refund"
    saved = tmp_path / "refs.csv"
    saved.write_text(directory.to_csv())
    assert list(Directory.from_files(saved)) == list(directory)


def test_the_next_run_gives_a_learned_refund_its_rutter_id():
    directory = Directory()
    directory.learn(load("rutter-created.json"))
    railz = {
        "id": XERO_ID,
        "accountRef": {"id": "145"},
        "date": "2024-01-02",
        "totalAmount": 12.5,
        "lines": [{"description": "x", "totalAmount": 12.5}],
    }
    converted = convert(railz, "railz", "rutter", directory=directory)
    assert converted.output["id"] == RUTTER_ID
    entry = next(e for e in converted.report if e.target_path == "$.id")
    assert entry.kind is Kind.DERIVED
    assert convert(railz, "railz", "rutter").output["id"] != RUTTER_ID
