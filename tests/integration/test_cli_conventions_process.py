"""CLI conventions about the process itself, checked on the installed ``folio`` command.

A closed pipe, ``--version`` and a simulator that cannot listen are about what a shell sees:
the exit status and stderr of a real process, so each test runs ``.venv/bin/folio`` in a
subprocess (docs/cli.md, "Exit codes").
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import framework
from framework.loading import BUILTIN_DISTRIBUTION

FOLIO = Path(sys.executable).with_name("folio")


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FOLIO), *argv], capture_output=True, text=True, timeout=60, check=False
    )


def test_version_prints_the_installed_distribution_version() -> None:
    try:
        expected = metadata.version(BUILTIN_DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a checkout installed under the former name
        expected = framework.__version__
    done = _run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"folio {expected}\n"


@pytest.mark.parametrize("command", [["plugins"], ["demo"]])
def test_a_reader_that_closes_the_pipe_early_is_not_an_error(
    command: list[str], tmp_path: Path
) -> None:
    # The reader end is closed before folio writes anything: every write meets a closed pipe,
    # on every run (``| head -1`` would race folio's single flush).
    read_end, write_end = socket.socketpair()
    read_end.close()
    with write_end:
        process = subprocess.Popen(
            [str(FOLIO), *command], stdout=write_end.fileno(), stderr=subprocess.PIPE,
            text=True, cwd=tmp_path,
        )
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (0, "")


def test_folio_plugins_piped_to_head_exits_0(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", f"{FOLIO} plugins | head -1; echo \"status=${{PIPESTATUS[0]}}\""],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )
    assert done.stdout.splitlines()[0].startswith("PLUGIN")
    assert done.stdout.splitlines()[-1] == "status=0"
    assert done.stderr == ""


def test_simulate_on_a_busy_port_says_so_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _run("simulate", "ascendex", "--port", str(port))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"folio: cannot serve the ascendex simulator on 127.0.0.1:{port}: the port is already "
        "in use (choose another --port, or 0 for a free one)\n"
    )


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("no-such-host.invalid", "the host name does not resolve to an address of this machine"),
        ("192.0.2.1", "the address is not one of this machine's (try 127.0.0.1 or 0.0.0.0)"),
    ],
)
def test_simulate_on_a_bad_host_says_so_in_one_line(host: str, why: str) -> None:
    done = _run("simulate", "binance", "--host", host)
    assert done.returncode == 2
    assert done.stderr == f"folio: cannot serve the binance simulator on {host}:0: {why}\n"


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_simulate_with_a_port_out_of_range_is_a_usage_error(port: str) -> None:
    done = _run("simulate", "ascendex", "--port", port)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "folio simulate: error: argument --port: must be a port number from 0 to 65535, "
        f"got {port!r}"
    )


def test_the_simulate_fragment_names_the_readme_account_and_reads(tmp_path: Path) -> None:
    """The table ``folio simulate`` prints, pasted into folio.toml, is the README's ``main``."""
    process = subprocess.Popen(
        [str(FOLIO), "simulate", "ascendex"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = process.stdout.readline()
            assert line, "simulate ended early"
            lines.append(line)
    finally:
        process.terminate()
        process.communicate(timeout=30)
    text = "".join(lines)
    fragment = text.split("# folio.toml\n", 1)[1].split("# environment", 1)[0]
    assert list(tomllib.loads(fragment)["accounts"]) == ["main"]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    use_it = readme.split("## Use it", 1)[1].split("##", 1)[0]
    assert 'folio.balances("main"' in use_it
    assert "`folio simulate ascendex`" in use_it
