"""Where a build may write and what it may read: output folders confined to the project, no symbolic links.

Reads folder entries (never following a symbolic link) and resolves paths; writes nothing.
Every refusal is an ``UnsafeBuild`` whose message is one line naming the path and what to do.

- ``confine`` accepts an output folder (the release, the pages, the site) only when it resolves,
  symbolic links resolved, to a folder inside the project that is not, does not contain and is not
  contained in the project root, ``dataset/``, ``seeds/``, ``docs/``, ``schemas/``, ``scripts/`` or
  ``.git``; ``mkdocs_paths`` does the same for the ``docs_dir`` and ``site_dir`` keys of ``mkdocs.yml``.
- ``symlinks`` lists every symbolic link under a folder, so that nothing outside the repository
  (``/proc/self/environ``, ``/etc/passwd``, ``~/.ssh``) is read into the site or the release:
  the build refuses them in ``docs/``, ``seeds/`` and the generated pages, validate reports them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .problems import Problem
from .rules import rule

PROTECTED = ("dataset", "seeds", "docs", "schemas", "scripts", ".git")  # inputs and history, never outputs
LINK_FREE = ("docs", "seeds")  # input folders whose files reach the site or the release
# Files that a static host needs in the site folder and that the build does not make: kept across builds.
HOST_FILES = (".git", "CNAME", ".nojekyll", ".htaccess")

SYMBOLIC_LINK = rule(
    "FC014",
    "symbolic-link",
    "error",
    "docs/ and seeds/ hold regular files and folders, no symbolic links",
    "The site and the release are built from these folders, and a link can point anywhere: at "
    "/proc/self/environ (the build's secrets), /etc/passwd or ~/.ssh. Links are listed, never "
    "followed, and the build refuses to run while there is one. Put the file itself in place of the link.",
)


class UnsafeBuild(Exception):
    """A build that would write outside its outputs or read outside the repository; the message is one line."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def confine(root: str | os.PathLike, path: str | os.PathLike, what: str) -> Path:
    """path (relative to root unless absolute) resolved, if it is a safe output folder; else UnsafeBuild."""
    root = Path(root).resolve()
    given = Path(path)
    resolved = (given if given.is_absolute() else root / given).resolve()
    shown = _shown(root, given)
    if not _inside(resolved, root) or resolved == root:
        where = "is the project folder itself" if resolved == root else f"resolves to {resolved}, outside the project {root}"
        raise UnsafeBuild(
            f"{what} '{shown}' {where} (an output folder must be a folder of its own inside the project, such as site or build/data)"
        )
    for name in PROTECTED:
        guarded = (root / name).resolve()
        if _inside(resolved, guarded) or _inside(guarded, resolved):
            relation = "is" if resolved == guarded else "lies inside" if _inside(resolved, guarded) else "contains"
            raise UnsafeBuild(
                f"{what} '{shown}' {relation} {name}/, which the build reads and never writes "
                "(choose an output folder of its own, such as site or build/data)"
            )
    return resolved


def _shown(root: Path, given: Path) -> str:
    try:
        return given.relative_to(root).as_posix() if given.is_absolute() else given.as_posix()
    except ValueError:
        return given.as_posix()


PLUGINS = ("search",)  # the pages are plain Markdown written by frontline: no other MkDocs plugin runs
_CODE_KEYS = {
    "hooks": "runs Python files during the build",
    "INHERIT": "reads another configuration file",
}


def mkdocs_code(config_file: str | os.PathLike, config: dict) -> None:
    """UnsafeBuild when a MkDocs config would run code or read files that the project does not vouch for.

    Refused: ``hooks`` and ``INHERIT``, any plugin but search, and a theme ``custom_dir`` outside
    the config's folder or holding a symbolic link. (Python tags such as ``!!python/object`` never
    get this far: the config is read with a safe YAML loader first.)
    """
    name = Path(config_file).name
    for key, why in _CODE_KEYS.items():
        if key in config:
            raise UnsafeBuild(f"{config_file}: '{key}' {why}; frontline builds refuse it (write pages with frontline instead)")
    plugins = config.get("plugins") or []
    names = [next(iter(p)) if isinstance(p, dict) and p else p for p in (plugins if isinstance(plugins, list) else list(plugins))]
    for plugin in names:
        if plugin not in PLUGINS:
            raise UnsafeBuild(
                f"{name}: plugin {plugin!r} is not allowed (allowed: {', '.join(PLUGINS)}); plugins run code during the build"
            )
    theme = config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if custom is not None:
        base = Path(config_file).resolve().parent
        folder = (base / str(custom)).resolve()
        if not _inside(folder, base) or folder == base:
            raise UnsafeBuild(f"{name}: theme custom_dir '{custom}' resolves to {folder}, outside {base}")
        refuse_symlinks(base, base / str(custom))


def mkdocs_paths(root: str | os.PathLike, config_file: str | os.PathLike, config: dict, pages: Path) -> tuple[Path, Path]:
    """The docs_dir and site_dir of a MkDocs config, resolved and confined; docs_dir must be the pages folder."""
    root = Path(root).resolve()
    base = Path(config_file).resolve().parent
    out = []
    for key, default in (("docs_dir", "docs"), ("site_dir", "site")):
        value = config.get(key, default)
        if not isinstance(value, str) or not value or "\x00" in value:
            raise UnsafeBuild(f"{config_file}: {key} must be a folder name, such as {default}")
        path = Path(value) if Path(value).is_absolute() else base / value
        out.append(confine(root, path, f"{Path(config_file).name} {key}"))
    docs_dir, site_dir = out
    if docs_dir != pages.resolve():
        raise UnsafeBuild(
            f"{Path(config_file).name} docs_dir '{config.get('docs_dir')}' is not {_shown(root, pages)}, "
            "the folder frontline writes the pages into (the site is built from the generated pages only)"
        )
    return docs_dir, site_dir


def check_complete(release: Path, site: Path | None, sums: str = "SHA256SUMS") -> None:
    """UnsafeBuild unless the staged release matches its checksums and the staged site has a home page and this release."""
    listed = (release / sums).read_text(encoding="ascii").splitlines() if (release / sums).is_file() else []
    if not listed:
        raise UnsafeBuild(f"the new release in {release} has no {sums}; the previous release and site are kept")
    for line in listed:
        digest, _, name = line.partition("  ")
        path = release / name
        if "/" in name or not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise UnsafeBuild(f"the new release's {name} does not match {sums}; the previous release and site are kept")
    if site is None:
        return
    if not (site / "index.html").is_file():
        raise UnsafeBuild("the new site has no index.html; the previous release and site are kept")
    copy = site / "data" / sums
    if not copy.is_file() or copy.read_bytes() != (release / sums).read_bytes():
        raise UnsafeBuild("the new site does not serve the new release; the previous release and site are kept")


def symlinks(folder: str | os.PathLike) -> list[Path]:
    """Every symbolic link at or under folder, sorted; links are listed, never followed."""
    folder = Path(folder)
    if folder.is_symlink():
        return [folder]
    found: list[Path] = []
    if not folder.is_dir():
        return found
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                found.append(Path(entry.path))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return sorted(found)


def _link_message(root: Path, link: Path) -> str:
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    shown = link.relative_to(root).as_posix() if _inside(link, root) else str(link)
    return f"{shown} is a symbolic link (to {target!r}); the build reads only regular files, so nothing outside the repository is published"


def refuse_symlinks(root: str | os.PathLike, folder: str | os.PathLike) -> None:
    """UnsafeBuild naming the first symbolic link under folder (and how many there are), if any."""
    root = Path(root).absolute()
    links = symlinks(folder)
    if links:
        more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
        raise UnsafeBuild(_link_message(root, links[0]) + more + ": replace it with the file itself")


def symlink_problems(root: str | os.PathLike, folders: tuple[str, ...] = LINK_FREE) -> list[Problem]:
    """One problem per symbolic link under root's folders (for validate)."""
    root = Path(root).absolute()
    out = []
    for name in folders:
        for link in symlinks(root / name):
            rel = link.relative_to(root).as_posix()
            out.append(
                Problem.of(
                    SYMBOLIC_LINK, rel, 1, 1, "is a symbolic link; builds read only regular files", "replace the link with the file itself"
                )
            )
    return out
