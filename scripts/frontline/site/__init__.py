"""The site: Markdown pages, the JSON API and assets from a valid dataset, then MkDocs."""
