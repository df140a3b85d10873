"""Safe builds: outputs confined to the project, nothing outside the repository read, one build at a time, all or nothing.

Each test here stands for a threat listed in docs/security.md. Builds run on a copy of the mini
fixture; the builds that are killed or run side by side are separate processes, as in real life.
"""

from __future__ import annotations

import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from frontline import atomic, cli, lock, problems, process, safety
from frontline import site as pages
from frontline.load import load
from helpers import ROOT, copy_fixture

SCRIPTS = ROOT / "scripts"
CLAIM = Path("dataset/claims/northland-enters-brook.yaml")
STAGING = re.compile(r"^\..*\.(staged|new|old)-")  # the hidden folders a build stages its outputs in


def project(tmp_path: Path, name: str = "project") -> Path:
    root = copy_fixture(tmp_path / name)
    shutil.copytree(ROOT / "docs", root / "docs")
    return root


def own_config(root: Path, **keys) -> Path:
    """root/mkdocs.yml: the project's config with keys changed."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(keys)
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def build_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "frontline.cli", "build", str(root)]


def child_env(**extra) -> dict:
    return {**os.environ, "PYTHONPATH": str(SCRIPTS), **extra}


def run_build(root: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(root), capture_output=True, text=True, env=child_env(**env), timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (links as their target text), by relative path."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def pair(root: Path) -> tuple[bytes | None, bytes | None]:
    """The release's checksums and those of the release copy the site serves."""
    release, site = root / "build" / "data" / "SHA256SUMS", root / "site" / "data" / "SHA256SUMS"
    return (release.read_bytes() if release.is_file() else None, site.read_bytes() if site.is_file() else None)


def set_statement(root: Path, text: str) -> None:
    path = root / CLAIM
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(f"statement: {text}\n" if line.startswith("statement:") else line for line in lines), encoding="utf-8")


def processes_mentioning(text: str) -> list[str]:
    """Command lines of running processes that mention text (a project folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\x00", b" ").decode("utf-8", "replace")
            state = next((line for line in (entry / "status").read_text().splitlines() if line.startswith("State:")), "")
        except OSError:
            continue
        if text in cmdline and "zombie" not in state:
            found.append(f"{entry.name}: {cmdline}")
    return found


def wait_until_gone(text: str, limit: float = 20.0) -> list[str]:
    """Processes still mentioning text after up to limit seconds (a kernel needs a moment to reap)."""
    end = time.monotonic() + limit
    left = processes_mentioning(text)
    while left and time.monotonic() < end:
        time.sleep(0.1)
        left = processes_mentioning(text)
    return left


# --- outputs are confined ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"site_dir": "."}, "site_dir '.' is the project folder itself"),
        ({"site_dir": "../elsewhere"}, "site_dir '../elsewhere' resolves to"),
        ({"docs_dir": "/"}, "docs_dir '/' resolves to /"),
        ({"site_dir": "dataset"}, "site_dir 'dataset' is dataset/"),
        ({"site_dir": "docs/site"}, "site_dir 'docs/site' lies inside docs/"),
        ({"site_dir": ".."}, "site_dir '..' resolves to"),
        ({"docs_dir": "docs"}, "docs_dir 'docs' is docs/"),
        ({"docs_dir": "build/other"}, "is not build/docs"),
    ],
    ids=["site-dot", "site-elsewhere", "docs-root", "site-dataset", "site-inside-docs", "site-parent", "docs-docs", "docs-not-pages"],
)
def test_mkdocs_paths_outside_the_outputs_are_refused_before_anything_is_written(tmp_path, capsys, keys, message):
    root = project(tmp_path)
    own_config(root, **keys)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.txt").write_text("mine")
    before, around = snapshot(root), snapshot(tmp_path)
    assert cli.main(["build", str(root)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1, err
    assert snapshot(root) == before, "nothing in the project may be written or deleted"
    assert snapshot(tmp_path) == around


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"hooks": ["evil.py"]}, "'hooks' runs Python files during the build"),
        ({"INHERIT": "../other.yml"}, "'INHERIT' reads another configuration file"),
        ({"plugins": ["search", {"macros": {}}]}, "plugin 'macros' is not allowed"),
        ({"theme": {"name": "material", "custom_dir": "../overrides"}}, "theme custom_dir '../overrides' resolves to"),
    ],
)
def test_mkdocs_settings_that_run_code_or_read_outside_are_refused(tmp_path, capsys, keys, message):
    root = project(tmp_path)
    (root / "evil.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w').close()\n")
    own_config(root, **keys)
    assert cli.main(["build", str(root)]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "ran").exists()
    assert not (root / "site").exists()


def test_python_tags_in_mkdocs_yml_never_reach_mkdocs(tmp_path, capsys):
    root = project(tmp_path)
    path = own_config(root)
    marker = tmp_path / "ran"
    path.write_text(path.read_text() + f"extra_templates: !!python/object/apply:os.system ['touch {marker}']\n")
    assert cli.main(["build", str(root)]) == 2
    assert "ConstructorError" in capsys.readouterr().err
    assert not marker.exists()


def test_a_python_file_in_the_project_cannot_pose_as_a_markdown_extension(tmp_path, capsys):
    root = project(tmp_path)
    marker = tmp_path / "ran"
    (root / "evil_extension.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    own_config(root, markdown_extensions=[*config["markdown_extensions"], "evil_extension"])
    assert cli.main(["build", str(root)]) == 2
    assert "mkdocs build failed" in capsys.readouterr().err
    assert not marker.exists(), "mkdocs imported a module from the project folder"


def test_a_site_folder_linked_outside_the_project_is_refused(tmp_path, capsys):
    root = project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("not the build's")
    (root / "site").symlink_to(outside)
    assert cli.main(["build", str(root)]) == 2
    assert "site folder 'site' resolves to" in capsys.readouterr().err
    assert (outside / "precious.txt").read_text() == "not the build's"
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("site", True),
        ("build/data", True),
        (".", False),
        ("..", False),
        ("dataset", False),
        ("seeds/out", False),
        (".git", False),
        ("", False),
    ],
)
def test_confine_unit(tmp_path, path, allowed):
    root = tmp_path / "p"
    (root / "seeds").mkdir(parents=True)
    if allowed:
        assert safety.confine(root, path or ".", "out") == (root / path).resolve()
    else:
        with pytest.raises(safety.UnsafeBuild):
            safety.confine(root, path or ".", "out")


def test_an_output_that_contains_an_input_is_refused(tmp_path):
    root = tmp_path / "p"
    (root / "build" / "docs").mkdir(parents=True)
    (root / "scripts").symlink_to(root / "build" / "docs")  # scripts/ lives inside what would be written
    with pytest.raises(safety.UnsafeBuild, match="contains scripts/"):
        safety.confine(root, "build", "out")


# --- nothing outside the repository is read -------------------------------------------------------


def plant_links(root: Path, folder: str, home: Path) -> list[str]:
    """Links to secrets in root/folder: the environment, the password file and ~/.ssh (home's)."""
    target = root / folder
    target.mkdir(exist_ok=True)
    links = {"environ.md": "/proc/self/environ", "passwd.md": "/etc/passwd", "ssh": str(home / ".ssh")}
    if folder == "seeds":
        links = {"environ.txt": "/proc/self/environ", "passwd.txt": "/etc/passwd", "ssh": str(home / ".ssh")}
    for name, dest in links.items():
        (target / name).symlink_to(dest)
    return [f"{folder}/{name}" for name in links]


@pytest.fixture
def secrets(tmp_path):
    """A home folder with an SSH key and an environment with a token, both marked for search."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY----- ssh-secret-5e3c\n")
    return home, {"HOME": str(home), "CI_TOKEN": "env-secret-9f1b"}


def assert_no_secret_published(tmp_path: Path) -> None:
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink() and "home" not in path.parts:
            data = path.read_bytes()
            assert b"env-secret-9f1b" not in data, path
            assert b"ssh-secret-5e3c" not in data, path
            assert b"root:x:0:0" not in data, path


@pytest.mark.parametrize("folder", ["docs", "seeds"])
def test_links_to_secrets_are_neither_followed_by_validate_nor_by_build(tmp_path, secrets, folder):
    home, env = secrets
    root = project(tmp_path)
    assert run_build(root, **env).returncode == 0  # a previous good build
    before = snapshot(root / "site")
    links = plant_links(root, folder, home)
    if folder == "seeds":  # a source that names a link as its text, too
        path = root / "dataset" / "sources" / "example-report.yaml"
        path.write_text(path.read_text().replace("text: seeds/example.txt", "text: seeds/environ.txt"))
    done = subprocess.run(
        [sys.executable, "-m", "frontline.cli", "validate", str(root)], capture_output=True, text=True, env=child_env(**env), timeout=120
    )
    assert done.returncode == 1
    for link in links:
        assert f"{link}:1:1: error[FC014]: is a symbolic link" in done.stdout
    built = run_build(root, **env)
    assert built.returncode == 1, built.stderr
    assert "build stopped" in built.stderr
    assert snapshot(root / "site") == before
    assert_no_secret_published(tmp_path)


def test_a_fifo_as_archived_text_does_not_hang_validate(tmp_path):
    root = copy_fixture(tmp_path / "project")
    os.mkfifo(root / "seeds" / "pipe.txt")
    path = root / "dataset" / "sources" / "example-report.yaml"
    path.write_text(path.read_text().replace("text: seeds/example.txt", "text: seeds/pipe.txt"))
    done = subprocess.run(
        [sys.executable, "-m", "frontline.cli", "validate", str(root)], capture_output=True, text=True, env=child_env(), timeout=120
    )
    assert done.returncode == 1
    assert "error[FC402]: text file 'seeds/pipe.txt' cannot be read (not a regular file)" in done.stdout


def test_render_refuses_a_link_in_docs_even_without_validate(tmp_path, secrets):
    home, _ = secrets
    root = project(tmp_path)
    plant_links(root, "docs", home)
    with pytest.raises(safety.UnsafeBuild, match=r"docs/environ\.md is a symbolic link \(to '/proc/self/environ'\).*\(and 2 more\)"):
        pages.render(load(root), root, root / "build" / "docs")
    assert not (root / "build" / "docs").exists()
    assert_no_secret_published(tmp_path)


def test_build_site_refuses_a_link_among_the_generated_pages(tmp_path):
    root = project(tmp_path)
    assert cli.main(["build", str(root), "--no-site"]) == 0
    (root / "build" / "docs" / "leak.md").symlink_to("/etc/passwd")
    with pytest.raises(safety.UnsafeBuild, match=r"build/docs/leak\.md is a symbolic link"):
        pages.build_site(root)
    assert not (root / "site").exists()


# --- one build at a time, all or nothing ----------------------------------------------------------


def test_a_second_build_stops_while_one_holds_the_lock(tmp_path, capsys):
    root = project(tmp_path)
    assert cli.main(["build", str(root)]) == 0
    before = snapshot(root / "site"), snapshot(root / "build" / "data")
    capsys.readouterr()
    with lock.hold(root / "build" / lock.LOCK_FILE):
        set_statement(root, "Changed while another build runs.")
        assert cli.main(["build", str(root)]) == 2
    err = capsys.readouterr().err
    assert f"another build (pid {os.getpid()}) is running on this project" in err
    assert (snapshot(root / "site"), snapshot(root / "build" / "data")) == before


def test_a_stale_lock_is_noticed_and_taken_over(tmp_path, capsys):
    root = project(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    (root / "build").mkdir()
    (root / "build" / lock.LOCK_FILE).write_text(dead.stdout)  # what a killed build leaves
    assert cli.main(["build", str(root), "--no-site"]) == 0
    assert f"the build with pid {dead.stdout.strip()} ended without releasing the lock" in capsys.readouterr().err
    assert not (root / "build" / lock.LOCK_FILE).exists(), "a clean exit leaves no lock file behind"


def test_two_builds_at_once_never_publish_a_partial_site(tmp_path):
    root = project(tmp_path)
    for attempt in range(2):
        set_statement(root, f"Built twice at once, attempt {attempt}.")
        children = [
            subprocess.Popen(build_command(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
            for _ in range(2)
        ]
        results = [(child.wait(timeout=300), child.stderr.read()) for child in children]
        for child in children:
            child.stdout.close()
            child.stderr.close()
        for code, err in results:
            assert code == 0 or (code == 2 and "another build (pid" in err), err
            assert "Traceback" not in err and "FileNotFoundError" not in err
        assert any(code == 0 for code, _ in results)
        release, site = pair(root)
        assert release is not None and release == site
        assert f"attempt {attempt}".encode() in (root / "site" / "claims" / "northland-enters-brook" / "index.html").read_bytes()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_build_killed_at_random_moments_leaves_a_consistent_pair_and_no_mkdocs(tmp_path, sig):
    root = project(tmp_path)
    start = time.monotonic()
    assert run_build(root).returncode == 0
    span = time.monotonic() - start  # the range of kill moments: one build, measured here
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    pairs = {pair(root)}
    for attempt in range(3):
        set_statement(root, f"Attempt {attempt} of seed {seed}.")
        child = subprocess.Popen(build_command(root), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=child_env())
        time.sleep(rng.uniform(0.1, span))
        child.send_signal(sig)
        code = child.wait(timeout=120)
        err = child.stderr.read()
        child.stderr.close()
        if sig != signal.SIGKILL and code != -sig:  # -sig: killed while Python was still importing, before main() ran
            assert "Traceback" not in err and "\x1b[" not in err, err
            assert code in (0, 2), (code, err)
        assert not wait_until_gone(str(root)), f"a child of the killed build is still running (seed {seed})"
        if sig == signal.SIGKILL:  # nothing ran on the way out: the next build finishes a half-made swap first
            atomic.recover(root / "build" / atomic.JOURNAL)
        else:
            assert not (root / "build" / atomic.JOURNAL).exists()
        release, site = pair(root)
        assert release is not None and release == site, f"the release and the site differ after a kill (seed {seed}, attempt {attempt})"
        pairs.add((release, site))
    assert run_build(root).returncode == 0  # and the project still builds
    assert not [p.name for p in [*root.iterdir(), *(root / "build").iterdir()] if STAGING.match(p.name)]


@pytest.mark.parametrize("damage", ["site without home page", "release file changed after its checksum"])
def test_an_incomplete_output_is_never_swapped_in(tmp_path, monkeypatch, capsys, damage):
    root = project(tmp_path)
    assert cli.main(["build", str(root)]) == 0
    before = pair(root), snapshot(root / "site")
    real = pages.build_site

    def damaged(root_, strict=True, out=None):
        site = real(root_, strict=strict, out=out)
        if damage.startswith("site"):
            (site / "index.html").unlink()
        else:
            staged = next((root / "build").glob(".data.staged-*"))
            with open(staged / "claims.csv", "a", encoding="utf-8") as handle:
                handle.write("x")
        return site

    monkeypatch.setattr(pages, "build_site", damaged)
    set_statement(root, "A build whose output is damaged.")
    assert cli.main(["build", str(root)]) == 2
    assert "the previous release and site are kept" in capsys.readouterr().err
    assert (pair(root), snapshot(root / "site")) == before


@pytest.mark.parametrize("crash_at", range(6))
def test_a_commit_cut_short_is_finished_by_the_next_build(tmp_path, monkeypatch, crash_at):
    """SIGKILL between two renames: the next build first completes a journalled swap (atomic.recover)."""
    root = tmp_path / "p"
    targets = [root / "build" / "data", root / "site"]
    for target in targets:
        target.mkdir(parents=True)
        (target / "version").write_text("old")
    (root / "site" / "CNAME").write_text("example.org")
    journal = root / "build" / atomic.JOURNAL
    swap = atomic.Swap(journal)
    for target in targets:
        staged = swap.stage(target, keep=safety.HOST_FILES)
        (staged / "version").write_text("new")
    calls = []
    real_replace = os.replace

    def crashing_replace(src, dst):
        if len(calls) == crash_at:
            raise SystemExit("killed")  # what the process sees of SIGKILL: nothing after this point runs
        calls.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", crashing_replace)
    with pytest.raises(SystemExit):
        swap.commit()
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert len(calls) == crash_at, "each crash point is a different rename"
    atomic.Swap(journal).discard()  # what the next build does first: finish a journalled swap
    expected = "old" if crash_at == 0 else "new"  # the first rename puts the journal in place: the commit point
    assert [(t / "version").read_text() for t in targets] == [expected, expected]
    assert (root / "site" / "CNAME").read_text() == "example.org"
    assert not journal.exists()
    if crash_at:
        assert not [p.name for p in [*root.iterdir(), *(root / "build").iterdir()] if STAGING.match(p.name)]


def test_recover_refuses_a_journal_it_did_not_write(tmp_path):
    journal = tmp_path / atomic.JOURNAL
    journal.write_text('{"swaps": [{"target": "/etc", "staged": "/tmp/x", "old": "/tmp/y"}]}')
    with pytest.raises(ValueError, match="not a swap journal"):
        atomic.recover(journal)


def test_mkdocs_dies_with_the_build(tmp_path):
    """process.run's child: killed with its group on SIGTERM, and by the kernel when the build is SIGKILLed."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        marker = f"sleeper-{os.getpid()}-{tmp_path.name}-{sig.name}"
        log = tmp_path / f"{sig.name}.log"
        script = (
            "import sys\n"
            "from pathlib import Path\n"
            "from frontline import process\n"
            "with process.interruptible():\n"
            f"    process.run([sys.executable, '-c', 'import time; print(1, flush=True); time.sleep(120)', {marker!r}], Path({str(log)!r}))\n"
        )
        parent = subprocess.Popen([sys.executable, "-c", script], env=child_env(), stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not (log.is_file() and log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert log.read_text() == "1\n", "the child never started"
        assert len(processes_mentioning(marker)) == 2, "the build and its child both run"
        parent.send_signal(sig)
        parent.wait(timeout=60)
        assert not wait_until_gone(marker), f"the child outlived its parent after {sig.name}"


# --- publishing-friendly outputs -------------------------------------------------------------------


def test_host_files_in_the_site_folder_survive_a_build(tmp_path):
    root = project(tmp_path)
    own_config(root, extra={"frontline": {"preserve": ["google123.html"]}})
    assert cli.main(["build", str(root)]) == 0
    site = root / "site"
    (site / "CNAME").write_text("claims.example.org\n")
    (site / ".nojekyll").write_text("")
    (site / ".htaccess").write_text("Options -Indexes\n")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / "google123.html").write_text("verification")
    (site / "stale.html").write_text("from an old build")
    set_statement(root, "Rebuilt with host files in place.")
    assert cli.main(["build", str(root)]) == 0
    assert (site / "CNAME").read_text() == "claims.example.org\n"
    assert (site / ".nojekyll").exists() and (site / ".htaccess").read_text() == "Options -Indexes\n"
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (site / "google123.html").read_text() == "verification"
    assert not (site / "stale.html").exists(), "what the build made before is replaced"
    assert b"Rebuilt with host files" in (site / "claims" / "northland-enters-brook" / "index.html").read_bytes()


def test_a_site_folder_linked_inside_the_project_is_rebuilt_in_place_and_the_link_kept(tmp_path):
    root = project(tmp_path)
    (root / "public").mkdir()
    (root / "public" / "CNAME").write_text("claims.example.org\n")
    (root / "site").symlink_to("public")
    outside = tmp_path / "outside.txt"
    outside.write_text("mine")
    (root / "public" / "link-out").symlink_to(outside)  # deleting the old site must not follow it
    assert cli.main(["build", str(root)]) == 0
    assert (root / "site").is_symlink() and os.readlink(root / "site") == "public"
    assert (root / "public" / "index.html").is_file()
    assert (root / "public" / "CNAME").read_text() == "claims.example.org\n"
    assert outside.read_text() == "mine"


# --- bounded output --------------------------------------------------------------------------------


def test_a_failing_mkdocs_is_one_line_with_its_log_kept(tmp_path, capsys):
    root = project(tmp_path)
    with open(root / "docs" / "contributing.md", "a", encoding="utf-8") as handle:
        handle.write("\nSee [nowhere](no-such-page.md).\n")
    assert cli.main(["build", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "\x1b" not in err, err
    assert re.search(r"mkdocs build failed: .*no-such-page\.md.* \(full log: .*build/mkdocs\.log\)", err), err
    assert "no-such-page.md" in (root / "build" / "mkdocs.log").read_text()


def test_a_one_megabyte_value_gives_a_short_error(tmp_path, capsys):
    root = copy_fixture(tmp_path / "project")
    path = root / CLAIM
    big = "x" * 990_000  # a record file holds at most 1,000,000 bytes
    path.write_text(path.read_text(encoding="utf-8").replace("claimant: northland-defence-ministry", f"claimant: {big}"), encoding="utf-8")
    assert cli.main(["validate", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    mentions = [line for line in lines if "xxxxxxxxxx" in line]
    assert mentions, lines
    for line in mentions:
        assert len(line) < 400, line
        assert "(990,000 characters)" in line
    assert any("error[FC301]: claimant 'xxxx" in line for line in mentions)


def test_excerpt_unit():
    assert problems.excerpt("short") == "'short'"
    assert problems.excerpt("y" * 1_000_000) == "'" + "y" * 60 + "'… (1,000,000 characters)"


def test_clean_line_drops_colour_codes_and_control_characters():
    assert process.clean_line("\x1b[31mERROR\x1b[0m -  disk\nfull\r") == "ERROR - disk full"
    assert len(process.clean_line("x" * 5000)) == 300
    log = "INFO - Building\nTraceback (most recent call last):\n  File x\nOSError: [Errno 28] No space left on device\n\x1b[31mERROR\x1b[0m - Error building page 'a.md': [Errno 28] No space left on device\n"
    assert process.last_error(log) == "ERROR - Error building page 'a.md': [Errno 28] No space left on device"


def test_validate_ends_without_freeing_but_with_all_its_output_and_its_exit_code(tmp_path, capsys):
    """`frontline validate` (run()) ends the process at once after its report, without freeing the dataset:
    the report, longer than a pipe holds, arrives whole, the exit code is the one main() chose, and the
    cache it wrote is read by the next run; a reader that stops early (head) gets no traceback."""
    root = copy_fixture(tmp_path / "project")
    claims = root / "dataset" / "claims"
    template = next(claims.glob("*.yaml")).read_text(encoding="utf-8")
    for number in range(300):  # 300 files with an id that does not match their name: a long report
        (claims / f"copy-{number}.yaml").write_text(template, encoding="utf-8")
    assert cli.main(["validate", "--no-cache", str(root)]) == 1
    expected = capsys.readouterr().out
    assert len(expected) > 65536  # more than a pipe's buffer: a lost flush would cut it
    command = [sys.executable, "-m", "frontline.cli", "validate", str(root)]
    env = {name: value for name, value in child_env().items() if name != "PYTHONUNBUFFERED"}  # buffered, as usual
    for _ in range(2):  # cold, then warm from the cache the first run wrote
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        assert (done.returncode, done.stdout, done.stderr) == (1, expected, "")
    assert (root / ".frontline-cache" / "cache.sqlite").is_file()
    head = subprocess.run(f"{shlex.join(command)} | head -1", shell=True, capture_output=True, text=True, env=env, timeout=120)
    assert head.stdout == expected.split("\n", 1)[0] + "\n"
    assert "Traceback" not in head.stderr and "Error" not in head.stderr
    assert cli.main(["rules"]) == 0 and not cli.KEPT  # any other command keeps nothing


def test_build_ends_without_freeing_but_with_its_release_its_output_and_its_exit_code(tmp_path):
    """`frontline build` (run()) ends the process at once like validate: the release and the pages are in place, the
    build's lock is let go, its output arrives whole and its exit code is main()'s; a build stopped by errors likewise."""
    root = project(tmp_path)
    command = [sys.executable, "-m", "frontline.cli", "build", "--no-site", "--no-cache", str(root)]
    env = {name: value for name, value in child_env().items() if name != "PYTHONUNBUFFERED"}  # buffered, as usual
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == [f"release: {root / 'build' / 'data'}", f"pages: {root / 'build' / 'docs'}"]
    release_files = {p.name for p in (root / "build" / "data").iterdir()}
    assert {"datapackage.json", "SHA256SUMS", "frontline.xlsx"} <= release_files
    assert len(list((root / "build" / "data").glob("*.zip"))) == 1
    assert not (root / "build" / lock.LOCK_FILE).exists()
    assert cli.main(["build", "--no-site", "--no-cache", str(root)]) == 0
    assert len(cli.KEPT) == 1  # the dataset, left for the process's end
    (next((root / "dataset" / "claims").glob("*.yaml"))).write_text("id: [not closed\n", encoding="utf-8")
    failed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert failed.returncode == 1 and "build stopped: fix the errors above first" in failed.stderr
    assert failed.stdout.strip(), "the problems are printed before the process ends"
    assert {p.name for p in (root / "build" / "data").iterdir()} == release_files  # the previous release, untouched
