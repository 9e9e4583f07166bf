"""Performance benchmarks (issue 5): folio against raw HTTP clients and CCXT, side by side.

Not part of the default test run (``norecursedirs`` in ``pyproject.toml``). Install the
``bench`` extra and run::

    pip install -e '.[bench]'
    python -m tests.benchmarks            # full run (about 5 minutes on 2 cores)
    python -m tests.benchmarks --quick    # a smoke run: small sizes, few repetitions

The simulator runs in its own process (``python -m adapters.ascendex.simulator``) and each
measurement in a fresh Python process of its own, so no two clients share an event loop, a
heap or a warm import cache. Results and how to read them: ``docs/performance.md``.

This package's ``__init__`` imports nothing on purpose: the cold-start measurement runs
``python -m tests.benchmarks.coldstart`` and must not pay for anything it does not measure.
"""
