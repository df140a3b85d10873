"""The search index that the build makes while MkDocs writes the pages (search.Stream and search_hook).

The build hands each page that carries data-pagefind-body to Pagefind as MkDocs writes it; the index must
be the one that Pagefind over the finished site gives (search.search_index): the same pages, URLs, text and
metadata, the same sample, the same manifest; two builds of one project give the same bytes; a failure of
the index or of MkDocs fails the build on one line, leaves the previous site and no process behind.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import time

import pytest
import yaml

from frontline import cli
from frontline.checks import check
from frontline.load import load
from frontline.site import build, search, search_hook
from helpers import FIXTURE, ROOT, build_project, copy_project, make_release, pagefind_fragments
from test_readers import _tree
from test_safety import project


def _pages(site):
    """What the index holds of each page: its URL, text and metadata, in URL order."""
    return sorted((f["url"], f["content"], sorted(f["meta"].items())) for f in pagefind_fragments(site))


def test_the_build_indexes_what_pagefind_over_the_built_site_would(mini_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(mini_site.site, site, ignore=shutil.ignore_patterns("pagefind"))
    manifest = search.search_index(site)
    assert _pages(site) == _pages(mini_site.site)
    assert (mini_site.site / "pagefind" / "frontline.json").read_text(encoding="utf-8") == (site / "pagefind" / "frontline.json").read_text(
        encoding="utf-8"
    )
    assert manifest["pages"] == len(search.indexed_pages(site)) > 0
    assert all("¶" not in content for _, content, _ in _pages(site))  # .headerlink left out


def test_two_builds_of_a_project_give_the_same_index(mini_site, tmp_path):
    built = build_project(copy_project(FIXTURE, tmp_path / "again"))
    assert _tree(built.site / "pagefind") == _tree(mini_site.site / "pagefind")


def test_the_hook_is_only_in_the_derived_config(mini_site, tmp_path):
    """mkdocs.yml builds without it (a plain MkDocs or Zensical build); the build's own config names it."""
    assert "hooks" not in yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    derived = yaml.safe_load((mini_site.root / "build" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert derived["hooks"] == [str(search.HOOK)]
    root = copy_project(FIXTURE, tmp_path / "project")
    assert "hooks" not in yaml.safe_load(build.site_config(root, search=False).read_text(encoding="utf-8"))


@pytest.mark.parametrize("expected", ["right", "too few", "too many"])
def test_pages_streamed_in_path_order_give_search_index_bytes(mini_site, tmp_path, expected):
    """The stream as MkDocs' hook feeds it, the pages in path order: the bytes of search_index over the same
    pages, also when the hook expected another number of pages than came (the pages are indexed again)."""
    site = tmp_path / "site"
    shutil.copytree(mini_site.site, site, ignore=shutil.ignore_patterns("pagefind"))
    pages = search.indexed_pages(site)
    size = len(pages) // 3 + 1  # as if the site had three times as many pages as a sample holds
    count = {"right": len(pages), "too few": size, "too many": 10 * len(pages)}[expected]
    with search.Stream(site, tmp_path / "pagefind.log", sample_pages=size, full=size) as stream:
        stream.begin()
        os.write(stream.write_end, search_hook.frame(search_hook.COUNT, str(count)))
        for page in pages:
            data = search_hook.frame(search_hook.PAGE, page, (site / page).read_bytes())
            while data:
                data = data[os.write(stream.write_end, data) :]
        manifest = stream.finish()
    assert manifest["rest"] == "rest/" and manifest["pages"] == len(pages)
    again = tmp_path / "again"
    shutil.copytree(site, again, ignore=shutil.ignore_patterns("pagefind"))
    assert search.search_index(again, sample_pages=size, full=size) == manifest
    assert _tree(site / "pagefind") == _tree(again / "pagefind")


def _fake_pagefind(tmp_path, monkeypatch, body: str) -> None:
    script = tmp_path / "pagefind"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(script))


def _old_site(root):
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("old", encoding="utf-8")


def test_an_index_that_fails_fails_the_build_on_one_line_and_keeps_the_old_site(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    _old_site(root)
    _fake_pagefind(tmp_path, monkeypatch, 'echo "Error: out of memory" >&2\nexit 3')
    assert cli.main(["build", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert re.search(r"pagefind failed: exited with 3: Error: out of memory \(full log: .*build/pagefind\.log\)", err), err
    assert (root / "site" / "index.html").read_text(encoding="utf-8") == "old"


def test_a_failing_mkdocs_leaves_no_indexer_behind(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    _old_site(root)
    with open(root / "docs" / "contributing.md", "a", encoding="utf-8") as handle:
        handle.write("\nSee [nowhere](no-such-page.md).\n")
    pid = tmp_path / "pid"
    _fake_pagefind(tmp_path, monkeypatch, f"echo $$ > {pid}\nexec sleep 600")  # never answers
    assert cli.main(["build", str(root)]) == 2
    assert "mkdocs build failed" in capsys.readouterr().err
    assert (root / "site" / "index.html").read_text(encoding="utf-8") == "old"
    number = int(pid.read_text())
    for _ in range(50):  # the kill is synchronous; the kernel may take a moment to drop the process
        try:
            os.kill(number, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the indexer {number} outlived the build")


def test_record_text_naming_the_mark_marks_no_page_and_a_relative_root_builds(tmp_path, monkeypatch):
    """A claim whose statement holds the words data-pagefind-body: the claims' index page lists it (escaped) and
    stays out of the index, as every page whose front matter says search_exclude; the claim's own page is indexed
    once. The site is built from a relative root, as a caller in the project's parent folder would build it."""
    root = copy_project(FIXTURE, tmp_path / "project")
    path = root / "dataset" / "claims" / "northland-enters-brook.yaml"
    text = path.read_text(encoding="utf-8")
    statement = "The Northland Defence Ministry said its units had entered the village of Brook."
    assert statement in text
    path.write_text(text.replace(statement, statement[:-1] + ' (data-pagefind-body data-pagefind-meta="kind:x).'), encoding="utf-8")
    dataset = load(root)
    assert not [p for p in check(dataset) if p.severity == "error"]
    build.render(dataset, root, root / "build" / "docs", make_release(dataset, root))
    monkeypatch.chdir(tmp_path)
    site = build.build_site("project", strict=True)
    assert site == root / "site"
    listing = (site / "claims" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body data-pagefind-meta=&#34;kind:x" in listing or "data-pagefind-meta=&quot;kind:x" in listing
    pages = search.indexed_pages(site)
    assert "claims/index.html" not in pages
    assert "claims/northland-enters-brook/index.html" in pages
    urls = [fragment["url"] for fragment in pagefind_fragments(site)]
    assert not any(url.rstrip("/").endswith("/claims") or url == "/claims/" for url in urls)
    assert sum(url.endswith("/claims/northland-enters-brook/") for url in urls) == 1
