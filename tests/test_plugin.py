"""The pytest plugin (refundmap.pytest_plugin), run with pytester as users run it."""

import shutil
from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_the_plugin_is_registered_by_the_installed_entry_point(pytester):
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(
        ["refundmap:", "*--refundmap-refs=PATH*", "*--refundmap-fixtures=DIR*"]
    )


def test_assert_valid_passes_a_valid_document_and_names_each_problem(pytester):
    pytester.makepyfile(
        """
        from refundmap.testing import assert_valid

        def test_good():
            report = assert_valid({"id": "1", "date": "2024-01-02", "totalAmount": 5}, "railz")
            assert report == ()

        def test_bad():
            assert_valid(
                {"id": "1", "date": "2024-02-30", "totalAmount": "five"}, "railz"
            )
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: not a valid railz document:",
            'E         $.date: not a possible date or time: "2024-02-30"*',
            'E         $.totalAmount: expected a decimal amount, got "five"*',
        ]
    )


def test_assert_valid_fails_on_the_kinds_asked(pytester):
    pytester.makepyfile(
        """
        import pytest
        from refundmap.testing import assert_valid

        DOC = {"id": "1", "date": "2024-01-02", "totalAmount": 5, "extra": 1}

        def test_warnings_pass_by_default():
            assert len(assert_valid(DOC, "railz")) == 1

        def test_fail_on_unknown_key():
            assert_valid(DOC, "railz", fail_on="unknown-key")
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["E         $.extra: fail_on unknown-key: unknown key*"])


def test_assert_converts_names_each_difference_with_its_path(pytester):
    pytester.makepyfile(
        """
        from refundmap.testing import assert_converts

        RAILZ = {"id": "1", "accountRef": {"id": "7"}, "date": "2024-01-02", "totalAmount": 5}

        def test_same():
            done = assert_converts(RAILZ, "railz", "railz-v2", {
                "id": "1", "accountRef": {"id": "7"}, "postedDate": "2024-01-02",
                "totalAmount": 5,
            })
            assert done.records == 1

        def test_differs():
            assert_converts(RAILZ, "railz", "railz-v2", {
                "id": "2", "accountRef": {"id": "7"}, "postedDate": "2024-01-02",
                "totalAmount": 5, "memo": "x",
            })

        def test_refused():
            assert_converts({"id": "1", "date": "2024-01-02", "totalAmount": 5}, "railz",
                            "railz-push", business_name="B", service_name="xero")

        def test_fail_on():
            lines = [{"description": "x", "totalAmount": 5}]
            assert_converts({**RAILZ, "lines": lines}, "railz", "rutter-create",
                            fail_on="untranslated")
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: the output differs from the expected in 2 places:",
            'E         $.id: expected "2", found "1"',
            'E         $.memo: expected "x", found no key',
        ]
    )
    result.stdout.fnmatch_lines(["E       AssertionError: the conversion failed:", "E         $*"])
    result.stdout.fnmatch_lines(["E         $.accountRef.id: fail_on untranslated: *"])


def test_refundmap_directory_reads_the_refs_option(pytester):
    refs = FIXTURES / "references" / "quickbooks.csv"
    pytester.makepyfile(
        """
        def test_directory(refundmap_directory):
            assert len(refundmap_directory) > 0
        """
    )
    pytester.runpytest(f"--refundmap-refs={refs}").assert_outcomes(passed=1)
    pytester.makeini(f"[pytest]\nrefundmap_refs = {refs}\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_refundmap_directory_without_refs_fails_saying_what_to_give(pytester):
    pytester.makepyfile(
        """
        def test_directory(refundmap_directory):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*give --refundmap-refs PATH or the refundmap_refs ini option*"])


def test_refundmap_fixtures_validates_every_payload_file_as_a_test(pytester):
    folder = pytester.path / "payloads"
    for fmt in ("railz", "rutter", "railz-v2-push"):
        shutil.copytree(FIXTURES / fmt, folder / fmt)
    bad = folder / "broken" / "bad.json"
    bad.parent.mkdir()
    bad.write_text('{"id": "1", "date": "2024-13-01", "totalAmount": 5}')
    count = sum(1 for _ in folder.rglob("*.json"))
    result = pytester.runpytest("--refundmap-fixtures", str(folder), "-v")
    result.assert_outcomes(passed=count - 1, failed=1)
    result.stdout.fnmatch_lines(["payloads/broken/bad.json::refundmap-validate FAILED*"])
    result.stdout.fnmatch_lines(["payloads/railz/xero-list.json::refundmap-validate PASSED*"])
    result.stdout.fnmatch_lines([f"{bad}: not valid as railz:", "  $.date: *2024-13-01*"])


def test_refundmap_fixtures_fail_on_warning(pytester):
    folder = pytester.path / "payloads"
    folder.mkdir()
    shutil.copy(FIXTURES / "railz" / "netsuite-refund.json", folder)
    shutil.copy(FIXTURES / "railz" / "xero-list.json", folder)
    pytester.runpytest("--refundmap-fixtures", str(folder)).assert_outcomes(passed=2)
    result = pytester.runpytest(
        "--refundmap-fixtures", str(folder), "--refundmap-fail-on", "warning"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*$.currencyRef.id: fail_on warning: currencyRef.id '1'*"])


def test_an_unknown_fail_on_kind_is_a_usage_error(pytester):
    result = pytester.runpytest("--refundmap-fail-on", "warnings")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--refundmap-fail-on: unknown kind 'warnings'*"])


def test_a_missing_fixtures_folder_is_a_usage_error(pytester):
    result = pytester.runpytest("--refundmap-fixtures", "nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--refundmap-fixtures nowhere: no such file or folder*"])


def test_no_refundmap_turns_the_plugin_off(pytester):
    pytester.makepyfile("def test_x(refundmap_directory): pass")
    result = pytester.runpytest("-p", "no:refundmap")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'refundmap_directory' not found*"])
