"""``python -m framework.cli``: the same as the ``folio`` command."""

from framework.cli.app import main

raise SystemExit(main())
