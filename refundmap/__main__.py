"""``python -m refundmap``: the command line."""

from refundmap.cli import main

raise SystemExit(main())
