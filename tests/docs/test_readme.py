"""The command examples of docs/ print what refundmap prints, and its exit table is --help's."""

import shlex

import pytest

from helpers import FIXTURES, ROOT


def readme_conversions() -> list[tuple[list[str], str]]:
    """Each ``$ refundmap convert ...`` console block of docs/references.md, docs/converting.md."""
    pages = ("references.md", "converting.md")
    readme = "".join((ROOT / "docs" / page).read_text() for page in pages)
    found = []
    for block in readme.split("```console\n$ refundmap convert ")[1:]:
        text = block.split("```", 1)[0]
        command, shown = text.replace("\\\n", " ").split("\n", 1)
        found.append((shlex.split(command), shown))
    return found


def test_the_readme_shows_the_references_example_and_the_report_example():
    commands = [argv for argv, _ in readme_conversions()]
    assert "--refs" in commands[0]
    assert "--report" in commands[1]


@pytest.mark.parametrize(("argv", "shown"), readme_conversions())
def test_the_readme_conversion_examples_are_what_refundmap_prints(
    cli, tmp_path, monkeypatch, argv, shown
):
    monkeypatch.chdir(ROOT)
    argv = [str(tmp_path / arg) if arg.startswith("report.") else arg for arg in argv]
    status, out, err = cli("convert", *argv)
    assert status == 0
    assert out + err == shown
    if (tmp_path / "report.txt").exists():  # docs/converting.md shows the text report after it
        readme = (ROOT / "docs/converting.md").read_text()
        after = readme.split(shown, 1)[1]
        assert (
            after.split("```text\n", 1)[1].split("```", 1)[0]
            == (tmp_path / "report.txt").read_text()
        )


def test_the_readme_exit_table_lists_the_statuses_help_lists():
    import re

    from refundmap import cli

    readme = (FIXTURES.parent / "docs/cli.md").read_text()
    readme = readme[readme.index("| exit status |") :].split("\n\n")[0]
    table = {int(n) for n in re.findall(r"^\| (\d+)[ ,|]", readme, re.MULTILINE)}
    table |= {int(n) for n in re.findall(r"^\| 130, (\d+), (\d+)", readme, re.MULTILINE)[0]}
    helped = {int(n) for n in re.findall(r"^  (\d+) ", cli.EXIT_CODES, re.MULTILINE)}
    assert helped == table - {129, 143} == {0, 1, 2, 3, 71, 74, 130}
    assert {
        cli.EXIT_INVALID,
        cli.EXIT_USAGE,
        cli.EXIT_REJECTED,
        cli.EXIT_WORKER,
        cli.EXIT_IO,
    } < table
