"""The documentation names every command and option that the command line offers."""

from __future__ import annotations

import argparse
import re

from frontline import cli
from helpers import ROOT


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.parser()
    found = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    assert len(found) == 1
    return dict(found[0].choices)


def _docs() -> str:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text(encoding="utf-8") for page in pages)


def test_every_command_and_option_is_documented():
    """Every `frontline` command is in the README's table, and each of its options in the README or docs/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docs = _docs()
    commands = _subcommands()
    assert set(commands) == {"validate", "build", "serve", "new", "diff", "rules", "quote", "fmt"}
    for name, parser in commands.items():
        assert f"`frontline {name}" in readme, f"README does not document 'frontline {name}'"
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert re.search(rf"`[^`]*{re.escape(option)}\b", docs), (
                        f"neither README nor docs/ document {option} of 'frontline {name}'"
                    )


def test_the_documentation_check_sees_an_undocumented_option(monkeypatch):
    original = cli.parser

    def with_extra():
        parser = original()
        _sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        _sub.choices["fmt"].add_argument("--undocumented-option")
        return parser

    monkeypatch.setattr(cli, "parser", with_extra)
    try:
        test_every_command_and_option_is_documented()
    except AssertionError as exc:
        assert "--undocumented-option" in str(exc)
    else:
        raise AssertionError("an undocumented option went unnoticed")


def test_readme_gives_the_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 dev.py serve" in readme and "python3 dev.py test" in readme
    assert re.search(r"^exec python3 dev\.py test$", ci, re.MULTILINE)


def test_every_template_names_its_schema():
    for kind in ("source", "actor", "place", "figure", "claim"):
        text = (ROOT / "scripts" / "frontline" / "record_templates" / f"{kind}.yaml").read_text(encoding="utf-8")
        assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n")


def test_constraints_pin_every_direct_dependency_at_its_pyproject_version():
    """constraints.txt (the lock) and pyproject.toml (the pins) must not drift apart."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    locked = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            locked[re.sub(r"[-_.]+", "-", name).lower()] = version
    for pin in pins:
        name, version = pin.split("==")
        name = name.split("[")[0]  # an extra (pagefind[extended]) pins the package itself
        assert locked.get(re.sub(r"[-_.]+", "-", name).lower()) == version.strip(), f"{pin} differs from constraints.txt"


def test_dev_py_without_a_command_prints_its_usage_and_exits_2():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "dev.py"), "nonsense"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert "python3 dev.py serve" in done.stdout and "python3 dev.py test" in done.stdout
