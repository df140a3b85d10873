"""The data release: tables derived from the schemas, CSV, JSON, SQLite, the datapackage, the codebook and diffs."""
