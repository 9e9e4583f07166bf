"""``python -m tests.mutation MODULE.py [...]``: plant small bugs one at a time, report survivors.

Each mutant is one small change to the module's syntax tree: a comparison flipped (``<`` and
``<=``, ``==`` and ``!=``, ``is`` and ``is not``, ``in`` and ``not in``), ``and`` for ``or``,
``+`` for ``-`` (and ``*`` for ``/``), a ``not`` or a unary minus dropped, an integer constant
plus one, two neighbouring keyword arguments of a call swapped, or ``return X`` made
``return None``. Docstrings, annotations and ``__all__`` are left alone.

The mutant is never written over the module: a child interpreter puts an import hook in front
of the normal ones that loads the mutated text (a temporary file) under the module's name, then
runs the tests that guard the module with ``pytest -x``. A failing test or a time-out kills the
mutant; a green run means the tests did not notice the bug, and it is reported with its line.
Tests that start other processes (the CLI end to end) do not see the mutant, so the default
test sets are the in-process ones. docs/testing.md says how to run it and read the report.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]

GUARDS: Final[dict[str, tuple[str, ...]]] = {
    "adapters/kit/strict.py": (
        "tests/adapters/test_strict_rules.py", "tests/adapters/test_strict_reader.py",
        "tests/ascendex/test_convert.py", "tests/ascendex/test_balance_rules.py",
        "tests/binance/test_convert.py", "tests/binance/test_balance_rules.py",
        "tests/ascendex/test_risk_consistency.py", "tests/binance/test_margin_level_check.py",
    ),
    "adapters/ascendex/convert.py": (
        "tests/ascendex/test_convert.py", "tests/ascendex/test_balance_rules.py",
        "tests/ascendex/test_risk_states.py", "tests/ascendex/test_risk_consistency.py",
        "tests/reliability/test_converter_properties.py",
    ),
    "adapters/binance/convert.py": (
        "tests/binance/test_convert.py", "tests/binance/test_balance_rules.py",
        "tests/binance/test_margin_level_check.py",
    ),
    "framework/models.py": (
        "tests/framework/test_models.py", "tests/framework/test_balance_model_checks.py",
        "tests/framework/test_health_state.py",
        "tests/framework/test_risk_meaning.py", "tests/framework/test_not_reported.py",
        "tests/framework/test_extras_rules.py", "tests/framework/test_results.py",
        "tests/framework/test_serialize.py", "tests/framework/test_render.py",
    ),
    "adapters/ascendex/signer.py": (
        "tests/ascendex/test_signer.py", "tests/integration/test_ascendex_clients.py",
    ),
    "adapters/binance/signer.py": (
        "tests/binance/test_signer.py", "tests/binance_integration/test_clients.py",
    ),
    "adapters/kit/responses.py": (
        "tests/adapters/test_responses_rules.py", "tests/adapters/test_decode_json.py",
        "tests/ascendex/test_responses.py", "tests/binance/test_responses.py",
        "tests/binance/test_client_units.py", "tests/adapters/test_body_limit.py",
        "tests/reliability/test_reread_and_edge_status.py",
    ),
    "framework/retry.py": (
        "tests/framework/test_retry_rules.py", "tests/framework/test_retry_policy.py",
        "tests/framework/test_network_config.py", "tests/adapters/test_body_limit.py",
        "tests/binance/test_client_units.py", "tests/binance/test_responses.py",
        "tests/reliability/test_reread_and_edge_status.py",
        "tests/integration/test_clock_sharing.py",
        "tests/integration/test_group_discovery_flight.py",
        "tests/reliability/test_fault_matrix.py",
    ),
    "adapters/kit/sender.py": (
        "tests/adapters/test_sender.py", "tests/framework/test_retry_rules.py",
        "tests/framework/test_retry_policy.py", "tests/adapters/test_body_limit.py",
        "tests/framework/test_transport.py", "tests/integration/test_clock_sharing.py",
        "tests/adapters/test_sender_events.py", "tests/reliability/test_observability.py",
    ),
    "adapters/kit/ratelimit.py": (
        "tests/framework/test_rate_limiter_rules.py", "tests/framework/test_rate_limiter.py",
        "tests/reliability/test_rate_limit.py",
    ),
    **dict.fromkeys(
        [f"framework/config/{name}.py" for name in (
            "accounts", "credential_sources", "document", "private_file", "shown", "tables",
            "urls",
        )],
        (
            "tests/framework/test_config_boundaries.py", "tests/framework/test_config.py",
            "tests/framework/test_config_rules.py", "tests/framework/test_config_second_audit.py",
            "tests/framework/test_config_tables.py", "tests/framework/test_network_config.py",
            "tests/framework/test_credentials.py", "tests/framework/test_demo_endpoint.py",
            "tests/adapters/test_option_rules.py", "tests/ascendex/test_catalog_and_options.py",
            "tests/binance/test_catalog_and_options.py",
            "tests/integration/test_refused_before_any_request.py",
        ),
    ),
}
"""The in-process tests that guard each module (``--tests`` replaces them): every test file
that exercises the module's rules, clients over loopback included, kept to seconds per run."""

_BOOT: Final = """
import importlib.abc, importlib.util, sys
name, path = sys.argv[1], sys.argv[2]

class MutantFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, target_path, target=None):
        if fullname == name:
            return importlib.util.spec_from_file_location(fullname, path)
        return None

sys.meta_path.insert(0, MutantFinder())
import pytest
sys.exit(pytest.main(sys.argv[3:]))
"""
"""The child's program: serve the mutant under the module's name, then run pytest."""

_FLIPPED: Final[dict[type[ast.AST], type[ast.AST]]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.And: ast.Or, ast.Or: ast.And,
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
}


@dataclass(frozen=True)
class Mutant:
    """One planted bug: where it is, what it does, and the module's text with it."""

    line: int
    description: str
    source: str


# -- making mutants --------------------------------------------------------------------------


def _is_docstring(node: ast.AST) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


def _nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node in a fixed order, without docstrings, annotations and ``__all__``."""
    yield node
    for name, value in ast.iter_fields(node):
        if name in {"annotation", "returns", "type_comment"}:
            continue
        children = value if isinstance(value, list) else [value]
        for child in children:
            if not isinstance(child, ast.AST) or _is_docstring(child):
                continue
            if isinstance(child, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in child.targets
            ):
                continue
            if isinstance(child, ast.JoinedStr):  # messages: noise, not behaviour
                continue
            yield from _nodes(child)


def _changes(node: ast.AST) -> Iterator[tuple[str, int]]:
    """The mutations that apply to ``node``: (description, variant number)."""
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in _FLIPPED:
                yield f"{type(op).__name__} -> {_FLIPPED[type(op)].__name__}", index
    elif isinstance(node, ast.BoolOp | ast.BinOp) and type(node.op) in _FLIPPED:
        yield f"{type(node.op).__name__} -> {_FLIPPED[type(node.op)].__name__}", 0
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
        yield f"drop {type(node.op).__name__.lower()}", 0
    elif (isinstance(node, ast.Constant) and type(node.value) is int):
        yield f"{node.value} -> {node.value + 1}", 0
    elif isinstance(node, ast.Call):
        for index in range(len(node.keywords) - 1):
            first, second = node.keywords[index].arg, node.keywords[index + 1].arg
            if first is not None and second is not None:
                yield f"swap keywords {first}, {second}", index
    elif isinstance(node, ast.Return) and node.value is not None and not (
        isinstance(node.value, ast.Constant) and node.value.value is None
    ):
        yield "return None", 0


def _apply(node: ast.AST, variant: int) -> ast.AST | None:
    """Mutate ``node`` in place; a replacement node when the node itself is replaced."""
    if isinstance(node, ast.Compare):
        flipped = _FLIPPED[type(node.ops[variant])]()
        assert isinstance(flipped, ast.cmpop)
        node.ops[variant] = flipped
    elif isinstance(node, ast.BoolOp | ast.BinOp):
        node.op = _FLIPPED[type(node.op)]()  # type: ignore[assignment]
    elif isinstance(node, ast.UnaryOp):
        return node.operand
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        node.value = node.value + 1
    elif isinstance(node, ast.Call):
        first, second = node.keywords[variant], node.keywords[variant + 1]
        first.value, second.value = second.value, first.value
    elif isinstance(node, ast.Return):
        node.value = ast.Constant(None)
    return None


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, replacement: ast.AST) -> None:
        self.target, self.replacement = target, replacement

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return self.replacement
        visited: ast.AST = super().visit(node)
        return visited


def _within(node: ast.AST, lines: tuple[int, int] | None) -> bool:
    line = getattr(node, "lineno", None)
    return lines is None or (line is not None and lines[0] <= line <= lines[1])


def mutants(source: str, *, lines: tuple[int, int] | None = None) -> list[Mutant]:
    """Every mutant of ``source`` (within ``lines``, inclusive, when given), in source order."""
    plan: list[tuple[int, int, str, int]] = []  # (node ordinal, line, description, variant)
    for ordinal, node in enumerate(_nodes(ast.parse(source))):
        if _within(node, lines):
            for description, variant in _changes(node):
                plan.append((ordinal, getattr(node, "lineno", 0), description, variant))
    made: list[Mutant] = []
    for ordinal, line, description, variant in plan:
        tree: ast.AST = ast.parse(source)
        node = next(n for i, n in enumerate(_nodes(tree)) if i == ordinal)
        before = ast.unparse(node).splitlines()[0][:60]
        replacement = _apply(node, variant)
        if replacement is not None:
            tree = _Replace(node, replacement).visit(tree)
        made.append(Mutant(line, f"{description}: `{before}`", ast.unparse(tree)))
    return made


# -- running them ----------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    return ".".join(path.resolve().relative_to(ROOT).with_suffix("").parts)


def _run(name: str, mutated: Path | None, tests: Sequence[str], timeout: float) -> str:
    """``"passed"``, ``"failed"`` or ``"timeout"`` for one pytest run in a child process."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", _BOOT, name if mutated else "", str(mutated or ""),
               "-x", "-q", "--no-header", "-p", "no:warnings", *tests]
    try:
        done = subprocess.run(command, cwd=ROOT, env=environment, timeout=timeout,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        return "timeout"
    return "passed" if done.returncode == 0 else "failed"


def _parse_lines(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def _judge(name: str, path: Path, tests: Sequence[str], made: Sequence[Mutant], jobs: int,
           timeout: float) -> tuple[dict[str, int], list[Mutant]]:
    """Run every mutant; the count of each outcome, and the mutants no test noticed."""
    outcomes = {"failed": 0, "timeout": 0, "passed": 0}
    survivors: list[Mutant] = []
    with tempfile.TemporaryDirectory() as scratch, \
            concurrent.futures.ThreadPoolExecutor(jobs) as pool:

        def judge(numbered: tuple[int, Mutant]) -> tuple[Mutant, str]:
            number, mutant = numbered
            mutated = Path(scratch) / f"mutant_{number}" / path.name
            mutated.parent.mkdir()
            mutated.write_text(mutant.source, encoding="utf-8")
            return mutant, _run(name, mutated, tests, timeout)

        for mutant, outcome in pool.map(judge, enumerate(made)):
            outcomes[outcome] += 1
            if outcome == "passed":
                survivors.append(mutant)
    return outcomes, survivors


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mutants of each module; exit 1 when any survived, 2 when the tests are red."""
    parser = argparse.ArgumentParser(prog="python -m tests.mutation",
                                     description="Plant small bugs; report those no test sees.")
    parser.add_argument("modules", nargs="+", help=f"module files, e.g. {', '.join(GUARDS)}")
    parser.add_argument("--tests", nargs="+", help="test files or directories to run instead "
                        "of the module's default guards")
    parser.add_argument("--lines", help="only mutate these lines, e.g. 120-190")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--list", action="store_true", help="list the mutants; run nothing")
    args = parser.parse_args(argv)
    survived_any = False
    for module in args.modules:
        path = (ROOT / module).resolve()
        relative = path.relative_to(ROOT).as_posix()
        tests = args.tests or list(GUARDS.get(relative, ()))
        made = mutants(path.read_text(encoding="utf-8"), lines=_parse_lines(args.lines))
        if args.list:
            for mutant in made:
                print(f"{relative}:{mutant.line}: {mutant.description}")
            continue
        if not tests:
            parser.error(f"no default tests for {relative}: give --tests")
        started = time.monotonic()
        if _run("", None, tests, timeout=600) != "passed":
            print(f"{relative}: the tests fail without any mutant; fix them first")
            return 2
        timeout = 3 * (time.monotonic() - started) + 10
        outcomes, survivors = _judge(_module_name(path), path, tests, made, args.jobs, timeout)
        for mutant in sorted(survivors, key=lambda m: m.line):
            print(f"SURVIVED {relative}:{mutant.line}: {mutant.description}")
        print(
            f"{relative}: {len(made)} mutants, {outcomes['failed'] + outcomes['timeout']} killed "
            f"({outcomes['timeout']} by time-out), {len(survivors)} survived "
            f"[{time.monotonic() - started:.0f} s; tests: {' '.join(tests)}]"
        )
        survived_any = survived_any or bool(survivors)
    return 1 if survived_any else 0


if __name__ == "__main__":
    raise SystemExit(main())
