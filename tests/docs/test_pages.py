"""The README and the pages of docs/: their links resolve, and what they show runs as shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import refundmap
from refundmap.responses import RESPONSE_FORMATS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
#: The two set-up commands of the README, never to change: a fresh machine runs them.
SET_UP = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && refundmap convert"
    " --from rutter --to railz --refs fixtures/references/xero --indent 2"
    " fixtures/rutter/xero-fetch.json",
    'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]"'
    " && python -m pytest -q",
)


def _prose(text: str) -> list[str]:
    """The lines of a Markdown page outside its fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _anchors(page: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub makes them."""
    seen: dict[str, int] = {}
    anchors = set()
    for line in _prose(page.read_text()):
        heading = re.match(r"#{1,6} (.*)", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading[1].strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _links(page: Path) -> list[str]:
    """The targets of a page's Markdown links, outside code."""
    found = []
    for line in _prose(page.read_text()):
        prose = re.sub(r"(?<!\[)`[^`]*`", "", line)  # inline code, but keep [`x`](y)
        found += re.findall(r"\]\(([^)\s]+)\)", prose)
    return found


def _relative_links() -> list[tuple[Path, str]]:
    return [
        (page, target)
        for page in PAGES
        for target in _links(page)
        if not re.match(r"[a-z]+:", target)  # https:, mailto:
    ]


def test_the_link_finder_finds_links_and_anchors(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\nSee [`--jobs`](cli.md#jobs), [x](https://x.org) and [y](#a-page).\n"
        "```sh\n[not](a-link.md)\n```\n## `--jobs` twice\n## `--jobs` twice\n"
    )
    assert _links(page) == ["cli.md#jobs", "https://x.org", "#a-page"]
    assert _anchors(page) == {"a-page", "--jobs-twice", "--jobs-twice-1"}


def test_the_readme_links_every_page_of_docs():
    linked = {target.split("#")[0] for target in _links(ROOT / "README.md")}
    assert {f"docs/{page.name}" for page in DOCS.glob("*.md")} <= linked


@pytest.mark.parametrize(
    ("page", "target"), _relative_links(), ids=lambda x: x.name if isinstance(x, Path) else x
)
def test_every_relative_link_points_at_a_file_and_a_heading(page, target):
    path, _, anchor = target.partition("#")
    linked = (page.parent / path).resolve() if path else page
    assert linked.is_file(), f"{page.name}: {target}: no such file"
    if anchor:
        assert anchor in _anchors(linked), f"{page.name}: {target}: no such heading"


def _console_examples() -> list[tuple[str, list[str], str]]:
    """Every ``$ refundmap ...`` of a console block of the pages, with the output shown."""
    found = []
    for page in PAGES:
        for block in re.findall(r"```console\n(.*?)```", page.read_text(), re.DOTALL):
            for example in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
                command, _, shown = example.replace("\\\n", " ").partition("\n")
                argv = shlex.split(command)
                assert argv[0] == "refundmap", command
                found.append((page.name, argv[1:], shown.rstrip("\n") + "\n"))
    return found


def test_the_readme_tour_shows_convert_validate_and_reconcile():
    commands = [argv[0] for page, argv, _ in _console_examples() if page == "README.md"]
    assert commands == ["convert", "validate", "validate", "reconcile"]


@pytest.mark.parametrize(
    "example", _console_examples(), ids=lambda e: f"{e[0]}: {' '.join(e[1][:3])}"
)
def test_every_console_example_prints_what_it_shows(cli, tmp_path, monkeypatch, example):
    page, argv, shown = example
    # A fresh folder beside the fixtures, so that files an example writes land there.
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    monkeypatch.chdir(tmp_path)
    status, out, err = cli(*argv)
    assert out + err == shown, page
    failed = " 0 invalid" not in shown if argv[0] == "validate" else "differences" in shown
    assert status == (1 if failed else 0), page


def test_the_readme_validate_example_fails_with_strict_or_fail_on(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    argv = ["validate", "-f", "railz", "fixtures/railz/seed-refund.json"]
    assert cli(*argv)[0] == 0
    assert cli(*argv, "--strict")[0] == 1
    assert cli(*argv, "--fail-on", "warning")[0] == 1


def test_the_readme_keeps_its_two_set_up_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Set up\n", 1)[1].split("\n## ", 1)[0]
    assert tuple(re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)) == SET_UP


def test_the_first_set_up_command_converts_the_fixture(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    argv = shlex.split(SET_UP[0].rsplit(" && ", 1)[1])
    status, out, err = cli(*argv[1:])
    assert status == 0, err
    assert refundmap.jsonio.loads(out)["accountRef"]["name"] == "Business Bank Account"
    assert (
        err == "refundmap: 1 record, 2 dropped, 6 omitted, 18 derived, 0 synthesized, 0 warnings\n"
    )


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(), re.DOTALL)


def test_the_readme_library_example_runs(monkeypatch):
    library, _ = _python_blocks(ROOT / "README.md")
    monkeypatch.chdir(ROOT)
    printed: list[tuple[object, ...]] = []
    exec(library, {"print": lambda *args: printed.append(args)})  # noqa: S102 - the README's code
    railz = refundmap.jsonio.loads(printed[0][0])
    assert railz["accountRef"]["id"] == "13918178-849a-4823-9a31-57b7eac713d7"
    kinds = {str(args[0]) for args in printed[1:-1]}
    assert {"derived", "dropped", "omitted"} <= kinds
    path, body = printed[-1]
    assert path == "$.data[0]"
    assert refundmap.jsonio.loads(body)["customer_refund"]["document_number"] == "CN-0042"


def test_the_readme_testing_example_runs():
    from hypothesis import settings

    _, testing = _python_blocks(ROOT / "README.md")
    imported: list[object] = []
    namespace: dict[str, object] = {"my_import": imported.append}
    exec(testing, namespace)  # noqa: S102 - the README's code
    settings(max_examples=5)(namespace["test_my_import_takes_any_refund"])()  # type: ignore[operator]
    assert imported
    assert all(isinstance(refund, dict) and "postedDate" in refund for refund in imported)


def test_the_library_page_converter_example_sets_a_bad_record_apart():
    page = refundmap.jsonio.loads((ROOT / "fixtures/railz/quickbooks-list.json").read_bytes())
    page["data"][1]["totalAmount"] = "a lot"
    converter_block = next(b for b in _python_blocks(DOCS / "library.md") if "partial" in b)
    printed: list[tuple[object, ...]] = []
    namespace = {"refundmap": refundmap, "refs": None, "page": page}
    exec(converter_block, {**namespace, "print": lambda *args: printed.append(args)})  # noqa: S102
    converted, (path, error) = printed
    assert [r["platform_id"] for r in refundmap.jsonio.loads(converted[0])["customer_refunds"]] == [
        page["data"][0]["id"]
    ]
    assert path == "$.data[1]"
    assert isinstance(error, refundmap.ValidationError)
    assert "$.data[1].totalAmount" in str(error)


def _modules() -> set[str]:
    return {path.relative_to(ROOT).as_posix() for path in (ROOT / "refundmap").rglob("*.py")}


def test_the_architecture_page_has_a_line_for_every_module_and_no_other():
    text = (DOCS / "architecture.md").read_text()
    listed = set(re.findall(r"^- `(refundmap/[\w/]+\.py)`: ", text, re.MULTILINE))
    assert listed == _modules()


def test_the_formats_page_lists_every_format():
    text = (DOCS / "formats.md").read_text()
    listed = set(re.findall(r"^\| `([\w-]+)` \|", text, re.MULTILINE))
    assert listed == set(refundmap.FORMATS) | set(RESPONSE_FORMATS)


@pytest.mark.parametrize(
    "command", [["convert"], ["validate"], ["reconcile"], ["schema"], ["refs", "learn"]]
)
def test_the_command_line_page_names_every_option(cli, command):
    _, help_text, _ = cli(*command, "--help")
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text)) - {"--help"}
    text = (DOCS / "cli.md").read_text()
    missing = {o for o in options if not re.search(rf"(?<![\w-]){o}(?![\w-])", text)}
    assert missing == set()


def test_the_api_reference_command_names_modules_that_exist():
    import importlib

    text = " ".join((DOCS / "library.md").read_text().split())
    command = re.search(r"`pdoc ([\w. ]+) -o docs/api`", text)
    assert command
    for name in command[1].split():
        assert importlib.import_module(name).__doc__, name


def test_the_readme_is_a_short_tour():
    assert len((ROOT / "README.md").read_text().splitlines()) < 200
