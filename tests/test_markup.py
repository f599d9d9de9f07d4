"""The one-line markup printer prints what rich printed: the same text for any title a user can
type (brackets, backslashes, tag-like words), styles as SGR codes on a terminal only."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rich.console import Console

from taskd.cli.markup import escape, render, styled

TEXT = st.lists(st.sampled_from([*"ab [/]\\#@xyz:", "[bold]", "[/]", "[red]", "\\[", "[/dim]"]),
                max_size=12).map("".join)
SGR = re.compile(r"\x1b\[[0-9;]*m")


def _rich_plain(markup: str) -> str:
    out = io.StringIO()
    Console(file=out, highlight=False, soft_wrap=True, emoji=False, force_terminal=False,
            color_system=None).print(markup)
    return out.getvalue().removesuffix("\n")


@given(TEXT, TEXT)
@example("", "\\\\")  # CI found it: two backslashes before a closing tag
def test_escaped_text_prints_as_typed_and_as_rich_prints_it(title: str, words: str) -> None:
    markup = f"[green]✓[/green] [bold]{escape(title)}[/bold] — [dim]{escape(words)}[/dim]"
    plain = render(markup, ansi=False)
    assert plain == f"✓ {title} — {words}"
    if "\\" not in title + words:  # rich drops some typed backslashes: taskd prints them
        assert plain == _rich_plain(markup)
    assert SGR.sub("", render(markup, ansi=True)) == plain


def test_styles_become_sgr_codes_on_a_terminal_and_colour_obeys_no_color() -> None:
    line = "[bold]Call mom[/bold] [cyan](next: Mon)[/cyan]"
    assert render(line, ansi=True) == "\x1b[1mCall mom\x1b[0m \x1b[36m(next: Mon)\x1b[0m"
    assert render(line, ansi=True, colour=False) == "\x1b[1mCall mom\x1b[0m (next: Mon)\x1b[0m"
    assert render(line, ansi=False) == "Call mom (next: Mon)"


def test_nested_styles_are_restored_after_an_inner_one_closes() -> None:
    shown = render("[dim]a [yellow]b[/yellow] c[/dim]", ansi=True)
    assert shown == "\x1b[2ma \x1b[33mb\x1b[0m\x1b[2m c\x1b[0m"


def test_bracketed_words_that_are_not_styles_print_as_written() -> None:
    assert render("[api] listen is [not set]", ansi=True) == "[api] listen is [not set]"
    assert render("a [/red] b", ansi=False) == "a [/red] b"  # a close with nothing open


def test_a_terminal_gets_codes_a_pipe_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    for name in ("FORCE_COLOR", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    assert styled(io.StringIO()) == (False, True)
    assert styled(Tty()) == (True, True)
    monkeypatch.setenv("TERM", "dumb")
    assert styled(Tty())[0] is False
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    assert styled(io.StringIO()) == (True, False)
