"""Every command's --help prints (argparse formats help with %, so a bare "80%" in a help text crashed it)."""

from __future__ import annotations

import argparse

import pytest

from vlboard.cli import main


def _commands() -> list[str]:
    seen: list[str] = []
    original = argparse.ArgumentParser.parse_args

    def capture(self, args=None, namespace=None):
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                seen.extend(action.choices)
        raise SystemExit(0)

    argparse.ArgumentParser.parse_args = capture  # type: ignore[method-assign]
    try:
        with pytest.raises(SystemExit):
            main(["status"])
    finally:
        argparse.ArgumentParser.parse_args = original  # type: ignore[method-assign]
    return seen


def test_the_parser_lists_the_commands():
    assert {"build", "backtest", "report", "api-token", "backup"} <= set(_commands())


@pytest.mark.parametrize("command", [None, *_commands()])
def test_help_prints(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"] if command else ["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) >= 2
