"""The `axone` entry point: the console script, `python -m axone`, `--help` everywhere."""

import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import axone

COMMANDS = [["train"], ["predict"], ["summary"], ["datasets"], ["datasets", "list"],
            ["datasets", "export"], ["demo"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    result = axone(*command, "--help")
    assert result.status == 0, result.err
    assert f"usage: axone {' '.join(command)}" in result.out
    assert "example" in result.out and "axone " + command[0] in result.out.split("example")[1]


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "axone"
    if not script.exists():
        pytest.skip("axone is not installed as a script in this environment")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "axone train" in result.stdout


def test_no_command_and_an_unknown_one():
    result = axone()
    assert result.status == 2 and "COMMAND" in result.out
    result = axone("trian")
    assert result.status == 2 and "invalid choice: 'trian'" in result.err
    assert "Traceback" not in result.err
