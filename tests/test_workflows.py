"""The GitHub Actions workflows and the pre-commit hooks: well formed, and every command they run exists.

actionlint cannot be installed from the package index here (its Python package downloads the
binary at install time), so the workflows are parsed and checked: triggers, jobs, pinned actions,
shell syntax (bash -n), and each command line: `frontline ...` must parse with the real command
line's parser, `python3 dev.py X` must be one of dev.py's commands, and every other program must
be one that the runner has. When an `actionlint` binary is on PATH, it runs as well.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest

from frontline import cli, release, yamlsafe
from helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PROGRAMS = {"python", "python3", "frontline", "npm", "apt-get", "gh", "test", "git", "cut"}  # on the runners, or installed by a step
ACTIONS = {"actions/checkout", "actions/setup-python", "actions/upload-artifact", "actions/upload-pages-artifact", "actions/deploy-pages"}


def _load(path):
    return yamlsafe.parse(path.read_bytes()).value  # YAML 1.2: the key 'on' stays a string


def _workflows() -> dict[str, dict]:
    return {path.name: _load(path) for path in sorted(WORKFLOWS.glob("*.yml"))}


def _steps(workflow: dict):
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def _commands(script: str):
    """Each simple command of a shell script as a list of words, with those inside $(...) too."""
    script = script.replace("\\\n", " ")
    for line in script.splitlines():
        line = re.sub(r"\d?>>?&?\s*\S+", " ", line)  # redirections
        for inner in re.findall(r"\$\(([^()]*)\)", line):
            yield from _commands(inner)
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token in ("|", "||", "&&", ";", "&"):
                while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):  # VAR=value before a command
                    words.pop(0)
                if words:
                    yield words
                words = []
            else:
                words.append(token)


def _check_command(words: list[str]) -> None:
    program, args = words[0], words[1:]
    assert program in PROGRAMS, f"'{program}' is not a program the workflows can rely on"
    if program == "frontline":
        try:
            cli.parser().parse_args(args)
        except SystemExit as exc:
            assert exc.code == 0, f"'frontline {' '.join(args)}' does not parse"
    if program.startswith("python") and args[:1] == ["dev.py"]:
        usage = (ROOT / "dev.py").read_text(encoding="utf-8")
        assert f"python3 dev.py {args[1]}" in usage, f"dev.py has no command '{args[1]}'"
    if program.startswith("python") and args[:3] == ["-m", "pip", "install"]:
        assert "-c" in args and (ROOT / args[args.index("-c") + 1]).is_file(), "pip installs with the project's constraints"


def test_the_three_workflows_and_their_triggers():
    flows = _workflows()
    assert set(flows) == {"pull-request.yml", "pages.yml", "release.yml"}
    assert "pull_request" in flows["pull-request.yml"]["on"]
    assert flows["pages.yml"]["on"]["push"]["branches"] == ["main"]
    assert flows["release.yml"]["on"]["push"]["tags"] == ["v*"]


def test_every_job_runs_somewhere_and_every_step_uses_a_pinned_action_or_runs_a_command():
    for flow in _workflows().values():
        for name, job in flow["jobs"].items():
            assert job.get("runs-on") == "ubuntu-latest", name
            assert job.get("steps"), name
        for job, step in _steps(flow):
            assert ("uses" in step) != ("run" in step), f"{job}: a step either uses an action or runs a command"
            if "uses" in step:
                action, _, version = step["uses"].partition("@")
                assert action in ACTIONS and re.fullmatch(r"v[0-9]+", version), step["uses"]
            for key in step.get("with", {}):
                assert isinstance(key, str)


def test_every_command_in_the_workflows_exists():
    seen = 0
    for name, flow in _workflows().items():
        for _, step in _steps(flow):
            if "run" not in step:
                continue
            done = subprocess.run(["bash", "-n"], input=step["run"], text=True, capture_output=True)
            assert done.returncode == 0, f"{name}: {done.stderr}"
            for words in _commands(step["run"]):
                _check_command(words)
                seen += 1
    assert seen >= 15


def test_the_command_checker_catches_what_does_not_exist():
    with pytest.raises(AssertionError):
        _check_command(["frontline", "validate", "--format", "xml"])
    with pytest.raises(AssertionError):
        _check_command(["frontline", "publish"])
    with pytest.raises(AssertionError):
        _check_command(["python3", "dev.py", "deploy"])
    with pytest.raises(AssertionError):
        _check_command(["make", "site"])
    assert list(_commands('A=1 frontline build --no-site && test "x" = "v$(frontline --version | cut -d\' \' -f2)"')) == [
        ["frontline", "--version"],
        ["cut", "-d ", "-f2"],
        ["frontline", "build", "--no-site"],
        ["test", "x", "=", "v$(frontline --version | cut -d' ' -f2)"],
    ]


def _runs(flow: dict) -> str:
    return "\n".join(step.get("run", "") for _, step in _steps(flow))


def test_pull_requests_are_validated_with_annotations_tested_and_built():
    flow = _workflows()["pull-request.yml"]
    assert "frontline validate --format github" in _runs({"jobs": {"v": flow["jobs"]["validate"]}})
    assert "frontline fmt --check" in _runs(flow)
    assert "python3 dev.py test" in _runs({"jobs": {"t": flow["jobs"]["test"]}})
    assert re.search(r"^frontline build$", _runs({"jobs": {"b": flow["jobs"]["build"]}}), re.MULTILINE)


def test_main_publishes_site_and_a_tag_attaches_the_release_zip():
    pages = _workflows()["pages.yml"]
    upload = [step for _, step in _steps(pages) if step.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert upload and upload[0]["with"]["path"] == "site/"
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for _, step in _steps(pages))
    runs = _runs(_workflows()["release.yml"])
    assert "frontline build --no-site" in runs
    zipped = re.search(r"gh release upload \S+ (\S+)", runs).group(1)
    assert re.fullmatch(zipped.replace(".", r"\.").replace("*", ".*"), f"build/data/{release.zip_name()}")


def test_pre_commit_hooks_run_fmt_validate_and_ruff():
    config = _load(ROOT / ".pre-commit-config.yaml")
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == {"frontline-fmt", "frontline-validate", "ruff-check", "ruff-format"}
    for hook in hooks.values():
        words = shlex.split(hook["entry"])
        assert words[0] in {"frontline", "ruff"} and hook["language"] == "system"
        if words[0] == "frontline":
            _check_command([*words, *([] if hook.get("pass_filenames") is False else ["dataset/claims/x.yaml"])])
    assert re.match(hooks["frontline-fmt"]["files"], "dataset/claims/a.yaml")


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not on PATH (no installable wheel in the package index)")
def test_actionlint_finds_nothing():
    done = subprocess.run(["actionlint", *map(str, sorted(WORKFLOWS.glob("*.yml")))], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
