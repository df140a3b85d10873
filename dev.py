#!/usr/bin/env python3
"""The project's two commands, for a fresh machine with only Python (3.11+) and the package registries.

    python3 dev.py serve   build the data release and the site, then serve it on http://127.0.0.1:8000
    python3 dev.py test    run the whole test suite (lint, unit, release, site and browser tests)

and, for a person to look at, `python3 dev.py screenshots` (the main pages at desktop and phone
width in build/screenshots/).

Both create .venv/ and install the pinned dependencies from pyproject.toml, at the exact versions of
constraints.txt (transitive ones included), when either file changes; the
site's JavaScript libraries come from the npm registry (package-lock.json), and the browser tests
use Debian's chromium (installed with apt-get when run as root and it is missing).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CHROMIUM = "/usr/bin/chromium"


def run(*args: str, **kwargs) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=kwargs.pop("cwd", ROOT), **kwargs)


def python_env(extras: str) -> None:
    """Create .venv and install the project with the given extras, unless already done for this pyproject."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the machine has
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    target = f".[{extras}]" if extras else "."
    run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", "constraints.txt", "-e", target)
    stamp.write_text(digest)


def apt_install(*packages: str) -> bool:
    """Install Debian packages when running as root with apt-get; report whether it was possible."""
    if shutil.which("apt-get") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages, env=env)
    return True


def node_modules() -> None:
    """Install the site's JavaScript libraries from package-lock.json when they are missing or stale."""
    lock = ROOT / "package-lock.json"
    if not lock.exists():
        return
    if shutil.which("npm") is None and not (apt_install("nodejs") and shutil.which("npm")):  # the nodejs package here bundles npm
        sys.exit("npm is needed for the site's map library: install Node.js (https://nodejs.org) and try again")
    stamp = ROOT / "node_modules" / ".installed"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    run("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
    stamp.write_text(digest)


def chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if not apt_install("chromium", "fonts-dejavu-core"):
        print(f"warning: {CHROMIUM} is missing and cannot be installed here; browser tests will be skipped", file=sys.stderr)


def serve(args: list[str]) -> int:
    python_env("")
    node_modules()
    return subprocess.call([str(BIN / "frontline"), "serve", *args], cwd=ROOT)


def test(args: list[str]) -> int:
    python_env("test")
    node_modules()
    chromium()
    run(str(BIN / "ruff"), "check", "scripts", "tests", "dev.py")
    run(str(BIN / "ruff"), "format", "--check", "scripts", "tests", "dev.py")
    # One process by default: on the 2-core machines measured, pytest-xdist (-n 2) was 6% slower for the whole
    # suite and 3% faster for the browser tests. "-n auto --dist loadgroup" runs it in parallel (README).
    return subprocess.call([str(BIN / "pytest"), *args], cwd=ROOT)


def screenshots(args: list[str]) -> int:
    python_env("test")
    node_modules()
    chromium()
    return subprocess.call([str(BIN / "python"), str(ROOT / "tests" / "screenshots.py"), *args], cwd=ROOT)


def main() -> int:
    commands = {"serve": serve, "test": test, "screenshots": screenshots}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        print(f"dev.py: {' '.join(map(str, exc.cmd))} failed with exit code {exc.returncode}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
