"""``python -m frontline.cli``: the `frontline` command."""

import sys

from . import main

sys.exit(main())
