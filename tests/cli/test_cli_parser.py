"""The command line's parser: flags, format names, usage errors (exit 2), --help, formats."""

import json

from helpers import FIXTURES


def test_abbreviations_are_refused(run, tmp_path):
    seed = FIXTURES / "railz/seed-refund.json"
    done = run("convert", "-f", "railz", "-t", "rutter", "--lossles", seed, cwd=tmp_path)
    assert done.returncode == 2
    assert "unrecognized arguments: --lossles" in done.stderr


def test_validate_takes_from_like_convert_and_the_old_spellings(run, tmp_path):
    seed = FIXTURES / "railz/seed-refund.json"
    for flags in (("-f", "railz"), ("--from", "railz"), ("--as", "railz")):
        assert run("validate", *flags, seed, cwd=tmp_path).returncode == 0
    done = run("validate", "-f", "railz", "--output-format", "json", seed, cwd=tmp_path)
    assert json.loads(done.stdout)[0]["valid"] is True
    old = run("validate", "-f", "railz", "--format", "json", seed, cwd=tmp_path)
    assert json.loads(old.stdout) == json.loads(done.stdout)
    assert "--format is now --output-format" in old.stderr


def test_formats_in_any_case_with_suggestions(run, tmp_path):
    seed = FIXTURES / "railz/seed-refund.json"
    assert run("convert", "-q", "-f", "Railz", "-t", "RUTTER", seed, cwd=tmp_path).returncode == 0
    done = run("convert", "-f", "railz", "-t", "ruter", seed, cwd=tmp_path)
    assert done.returncode == 2
    assert "unknown format 'ruter' (did you mean rutter" in done.stderr


def test_indent_must_not_be_negative(run, tmp_path):
    done = run("convert", "-f", "railz", "-t", "rutter", "--indent", "-1", cwd=tmp_path)
    assert done.returncode == 2
    assert "must be 0 or more" in done.stderr


def test_help_ends_with_examples_and_exit_codes(run, tmp_path):
    for command in ("convert", "validate"):
        done = run(command, "--help", cwd=tmp_path)
        assert "examples:" in done.stdout
        assert "74   reading or writing failed" in done.stdout
    convert = run("convert", "--help", cwd=tmp_path).stdout
    assert "3    converted, but some records were rejected" in convert
    # validate has no --rejects, and so no exit status 3 (issue 23)
    validate = run("validate", "--help", cwd=tmp_path).stdout
    assert "\n  3 " not in validate
    assert "--rejects" not in validate
    assert "exit status:" in run("--help", cwd=tmp_path).stdout
    assert "List every format" in run("formats", "--help", cwd=tmp_path).stdout


def test_unknown_format_is_a_usage_error(cli):
    status, _, err = cli("validate", "--as", "quickbooks", "x.json")
    assert status == 2
    assert "unknown format 'quickbooks'; the formats are rutter, rutter-create" in err


def test_formats_lists_every_format(cli):
    status, out, _ = cli("formats")
    assert status == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "rutter",
        "rutter-create",
        "railz",
        "railz-v2",
        "railz-v2-push",
        "railz-push",
        "rutter-create-response",
        "railz-push-response",
    ]


def test_unsupported_pair_and_bad_synced_at_are_usage_errors(cli):
    status, _, err = cli("convert", "-f", "rutter-create", "-t", "railz", "x.json")
    assert status == 2
    assert "cannot convert rutter-create to railz" in err
    status, _, err = cli("convert", "-f", "railz", "-t", "rutter", "--synced-at", "soon", "x.json")
    assert status == 2
    assert err.startswith("refundmap: --synced-at:")


def test_formats_lists_the_conversions(cli):
    status, out, _ = cli("formats")
    assert status == 0
    assert out.splitlines()[0].endswith(
        "converts to rutter, rutter-create, railz, railz-v2, railz-v2-push, railz-push"
    )
