"""The CI snippets of docs/testing.md (GitHub Actions, GitLab, pre-commit), run as CI would."""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

yaml = pytest.importorskip("yaml")

FIXTURES = ROOT / "fixtures"
#: Fixtures that validate with no warning, and one that has warnings.
CLEAN = ["railz/xero-list.json", "railz-v2/xero-list.json", "rutter/xero-fetch.json"]
WARNED = "railz/netsuite-refund.json"
#: What the hook says of it: its currency id is no ISO code.
SAID = "$.currencyRef.id: fail_on warning: currencyRef.id '1' is not a currency code"


def _section():
    return (ROOT / "docs/testing.md").read_text()


def _yaml_blocks():
    return [
        yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", _section(), re.DOTALL)
    ]


def _commands():
    """The refundmap commands of the GitHub Actions and GitLab snippets."""
    github, gitlab, _ = _yaml_blocks()
    steps = github["jobs"]["validate"]["steps"]
    ran = [step["run"] for step in steps if "run" in step]
    assert ran[0] == "pip install refundmap"
    assert gitlab["refunds"]["script"][0] == "pip install refundmap"
    return [ran[1], gitlab["refunds"]["script"][1]]


@pytest.fixture
def project(tmp_path):
    """A user's project: refund fixtures under tests/fixtures/refunds."""
    folder = tmp_path / "tests" / "fixtures" / "refunds"
    for name in CLEAN:
        target = folder / name.replace("/", "-")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / name, target)
    return tmp_path


def _run(command, cwd):
    argv = shlex.split(command)
    assert argv[0] == "refundmap"
    return subprocess.run(
        [sys.executable, "-m", "refundmap", *argv[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_github_and_gitlab_snippets_pass_clean_fixtures_and_fail_on_a_warning(project):
    commands = _commands()
    assert commands[0] == commands[1]
    for command in commands:
        done = _run(command, project)
        assert (done.returncode, done.stdout) == (0, ""), done.stderr
        assert "3 documents, 0 invalid" in done.stderr
    shutil.copy(FIXTURES / WARNED, project / "tests" / "fixtures" / "refunds" / "new.json")
    done = _run(commands[0], project)
    assert done.returncode == 1
    assert (
        "new.json: $.currencyRef.id: fail_on warning: currencyRef.id '1' is not a currency code"
        in done.stdout
    )


def _hook():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return hook


def test_the_pre_commit_snippet_names_the_hook_refundmap_offers():
    config = _yaml_blocks()[2]
    (repo,) = config["repos"]
    (used,) = repo["hooks"]
    hook = _hook()
    assert used["id"] == hook["id"] == "refundmap-validate"
    assert hook["language"] == "python"
    assert hook["types"] == ["json"]
    assert re.search(used["files"], "tests/fixtures/refunds/a.json")


def test_the_hook_entry_run_as_pre_commit_runs_it(project):
    # pre-commit runs: shlex.split(entry) + args + the staged files its filters pass.
    hook = _hook()
    files = sorted(path.relative_to(project).as_posix() for path in project.rglob("*.json"))
    command = " ".join([hook["entry"], *hook.get("args", []), *files])
    done = _run(command, project)
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.copy(FIXTURES / WARNED, project / "warned.json")
    done = _run(" ".join([hook["entry"], *files, "warned.json"]), project)
    assert done.returncode == 1
    assert (
        "warned.json: $.currencyRef.id: fail_on warning: currencyRef.id '1' is not a" in done.stdout
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_try_repo_runs_the_hook(project, tmp_path_factory):
    pytest.importorskip("pre_commit")
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {
        "PRE_COMMIT_HOME": str(home),
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
    }
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "."], cwd=project, check=True, env=env)
    shutil.copy(FIXTURES / WARNED, project / "warned.json")
    subprocess.run([*git, "add", "-A"], cwd=project, check=True, env=env)
    subprocess.run([*git, "commit", "-qm", "fixtures"], cwd=project, check=True, env=env)

    def try_repo(*files):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pre_commit",
                "try-repo",
                str(ROOT),
                "refundmap-validate",
                "--files",
                *files,
            ],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=900,
        )

    clean = sorted(p.relative_to(project).as_posix() for p in project.rglob("*.json"))
    clean.remove("warned.json")
    done = try_repo(*clean)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "refundmap validate" in done.stdout
    assert "Passed" in done.stdout
    done = try_repo("warned.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "warned.json: $.currencyRef.id: fail_on warning: currencyRef.id '1' is not a" in done.stdout
    )
