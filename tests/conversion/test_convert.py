"""convert(): the pairs it takes, the errors it raises, its options checked, across processes."""

import pytest

from refundmap import MappingError, ValidationError, convert

from helpers import railz_refund, rutter_refund


def test_unsupported_pair_is_a_value_error():
    with pytest.raises(ValueError, match="cannot convert rutter-create to railz"):
        convert({}, "rutter-create", "railz")


def test_invalid_input_is_a_validation_error_not_a_mapping_error():
    with pytest.raises(ValidationError):
        convert(railz_refund(id=True), "railz", "rutter")


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"connection_uuid": 5}, TypeError, "connection_uuid must be a string, not int"),
        ({"connection_uuid": " "}, ValueError, "connection_uuid must not be empty"),
        ({"business_name": 5, "service_name": "xero"}, TypeError, "business_name must be a string"),
        ({"synced_at": 123}, TypeError, "synced_at must be a datetime or an ISO 8601 string"),
    ],
)
def test_options_are_checked_in_the_library_as_on_the_command_line(options, error, message):
    # Issue 17: these made invalid bodies, or raised AttributeError.
    with pytest.raises(error, match=message):
        convert(rutter_refund(), "rutter", "railz-v2-push", **options)


def _refuse_in_a_worker(refund):
    convert(refund, "railz", "rutter")


def test_a_mapping_error_crosses_a_process_boundary_intact():
    # Issue 17: raised in a ProcessPoolExecutor worker, it arrived as "169 problems\n  3\n ...".
    from concurrent.futures import ProcessPoolExecutor

    refund = railz_refund()
    del refund["accountRef"]
    with pytest.raises(MappingError) as here:
        _refuse_in_a_worker(refund)
    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(MappingError) as there:
        pool.submit(_refuse_in_a_worker, refund).result()
    assert there.value.problems == here.value.problems
    assert str(there.value) == str(here.value)
