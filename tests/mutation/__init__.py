"""A small mutation run over folio's pure modules: ``python -m tests.mutation MODULE.py``.

Plants one small, behaviour-changing bug at a time (a flipped comparison, ``and`` for ``or``,
``-`` for ``+``, a constant off by one, two keyword arguments swapped, ``return None``) in one
module, runs the tests that guard it, and reports each bug the tests did not notice. How to
run it and read it: docs/testing.md. It is not part of the default test run (pyproject.toml
``norecursedirs``): a run takes minutes.
"""
