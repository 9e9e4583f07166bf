"""Every example in docs/ runs: Python blocks execute, TOML parses, shown commands reproduce.

Conventions the documentation follows (and this module enforces):

* a ```python block is executed (blocks of one page share a namespace, in order); when the
  next block is a ```text block introduced by a line "prints", the captured output must
  match it;
* a ```toml block is parsed, with ``framework.parse_config`` when it configures accounts or
  plugins, and AscendEX options are checked by the AscendEX options parser;
* a ```console block's ``$ folio ...`` lines are run against a seed simulator, with a
  ``folio.toml`` naming the account ``main`` in the working directory (``#`` starts a
  comment); lines after a command are its expected output. A console line without ``$`` must
  be one of the README's two quick-start commands;
* the README's blocks follow the same rules; Python blocks also find that ``folio.toml``.

Port numbers and timestamps are normalized on both sides before comparing.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import signal
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from adapters.ascendex.options import AscendexOptions
from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from framework.config import parse_config

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").rglob("*.md"))
README = ROOT / "README.md"
FOLIO = Path(sys.executable).with_name("folio")
ENV = {"ASCENDEX_API_KEY": DEMO_API_KEY, "ASCENDEX_API_SECRET": DEMO_API_SECRET}


@attrs.frozen
class Block:
    language: str
    text: str
    line: int
    intro: str
    """The last non-empty prose line before the block."""


def blocks(page: Path) -> list[Block]:
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index, intro = 0, ""
    while index < len(lines):
        line = lines[index]
        if line.startswith("```") and len(line) > 3:
            language = line[3:].strip()
            body: list[str] = []
            start = index + 1
            index += 1
            while not lines[index].startswith("```"):
                body.append(lines[index])
                index += 1
            found.append(Block(language, "\n".join(body) + "\n", start, intro))
        elif line.strip():
            intro = line.strip()
        index += 1
    return found


def normalize(text: str) -> str:
    text = re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:PORT", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z", "<TIME>", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _ids(pages: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in pages]


def test_docs_exist() -> None:
    names = set(_ids(PAGES))
    for required in ("docs/index.md", "docs/architecture.md", "docs/configuration.md",
                     "docs/cli.md", "docs/host-api.md", "docs/plugins.md",
                     "docs/exchanges/ascendex.md"):
        assert required in names


@pytest.mark.parametrize("page", [*PAGES, README], ids=[*_ids(PAGES), "README.md"])
def test_python_examples_run_and_print_what_the_page_says(
    page: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    with _workspace(tmp_path):  # a folio.toml naming `main`, on a seed simulator
        _run_python_blocks(page)


def _run_python_blocks(page: Path) -> None:
    page_blocks = blocks(page)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for position, block in enumerate(page_blocks):
        if block.language != "python":
            continue
        output = io.StringIO()
        code = compile(block.text, f"{page.name}:{block.line}", "exec")
        with contextlib.redirect_stdout(output):
            exec(code, namespace)
        following = page_blocks[position + 1] if position + 1 < len(page_blocks) else None
        if following is not None and following.language == "text" and following.intro == "prints":
            assert normalize(output.getvalue()) == normalize(following.text), (
                f"{page.name}:{block.line} printed something else than the page shows"
            )


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_toml_examples_parse(page: Path) -> None:
    for block in blocks(page):
        if block.language != "toml":
            continue
        if "[accounts." in block.text or "[plugins]" in block.text:
            config = parse_config(block.text, source=f"{page.name}:{block.line}")
            for account in config.accounts:
                if account.exchange == "ascendex":
                    AscendexOptions.from_mapping(account.options, account=account.name)
        else:
            tomllib.loads(block.text)


@contextlib.contextmanager
def _workspace(tmp_path: Path) -> Iterator[dict[str, str]]:
    with AscendexSimulator.seed().serve() as simulator:
        (tmp_path / "folio.toml").write_text(
            "[accounts.main]\n"
            'exchange = "ascendex"\n'
            'api_key_env = "ASCENDEX_API_KEY"\n'
            'api_secret_env = "ASCENDEX_API_SECRET"\n'
            f'base_url = "{simulator.url}"\n',
            encoding="utf-8",
        )
        yield {**os.environ, **ENV}


def _console_commands(text: str) -> list[tuple[str, str]]:
    commands: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], ""))
        elif commands:
            command, expected = commands[-1]
            commands[-1] = (command, expected + line + "\n")
    return commands


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [b.text.strip() for b in blocks(ROOT / "README.md") if b.language == "console"
            and b.text.strip().startswith("python3 -m venv")] if readme else []


def _run_simulate(command: list[str], env: dict[str, str], cwd: Path) -> None:
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stderr is not None
    banner: list[str] = []
    while not banner or not banner[-1].startswith("Press Ctrl-C"):
        line = process.stdout.readline()
        assert line, f"simulate exited early: {process.stderr.read()}"
        banner.append(line)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0, process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    text = "".join(banner)
    assert "listening on http://127.0.0.1:" in banner[0]
    assert "api_key_env" in text


@pytest.mark.parametrize("page", [*PAGES, README], ids=[*_ids(PAGES), "README.md"])
def test_console_examples_reproduce(page: Path, tmp_path: Path) -> None:
    quick_start = _readme_commands()
    with _workspace(tmp_path) as env:
        for block in blocks(page):
            if block.language != "console":
                continue
            if not block.text.lstrip().startswith("$"):
                for line in block.text.strip().splitlines():
                    if line.startswith("python3 -m venv"):
                        assert line in quick_start, f"{page.name}:{block.line} {line}"
                continue
            for command, expected in _console_commands(block.text):
                argv = shlex.split(command, comments=True)
                assert argv[0] == "folio", command
                argv[0] = str(FOLIO)
                if argv[1] == "simulate":
                    _run_simulate(argv, env, tmp_path)
                    continue
                result = subprocess.run(
                    argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                    check=False,
                )
                assert result.returncode == 0, f"{command}: {result.stderr}"
                if expected.strip():
                    assert normalize(result.stdout) == normalize(expected), command


def test_readme_quick_start_is_what_ci_runs() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    demo, tests = commands
    assert demo.endswith("folio demo")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
