"""The site: Markdown pages from Jinja2 templates, the JSON API and assets from a valid dataset, then MkDocs.

Modules: ``urls`` (where pages are, relative links), ``index`` (the Site: records by id, labels,
backlinks, settings), ``jsonld``, ``api`` (the static JSON API), ``annotate`` (annotated source
texts and coverage), ``env`` (the Jinja2 environment: autoescape, StrictUndefined, filters and
the small fragments), ``links`` (links to records and what goes with them, kept per folder of pages),
``files`` (writing a file in few system calls), ``pages`` (what each page's template gets),
``build`` (render, build_site, site_folder, server).
"""

from .build import build_site, render, server, site_folder

__all__ = ["build_site", "render", "server", "site_folder"]
