"""``python -m frontline.cli``: the `frontline` command."""

from . import run

run()
