"""Patterns compiled on first use behave as re.compile's, and every one the grammar holds is a
valid expression (a lazy pattern would otherwise fail only on the sentence that first needs it)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import taskd.extract
from taskd.extract.lazy_pattern import LazyPattern, lazy

SOURCES = [r"\b(\d{1,2})(?::(\d\d))?\s?(am|pm)?\b", r"(?P<word>[a-z]+)-(?P<n>\d+)", r"\s+|,"]


@given(st.sampled_from(SOURCES), st.sampled_from([0, re.I]),
       st.text(alphabet="abc 0123456789:,-APM", max_size=40))
def test_a_lazy_pattern_answers_as_the_compiled_one(source: str, flags: int, text: str) -> None:
    now, later = re.compile(source, flags), lazy(source, flags)

    def spans(matches: Iterator[re.Match[str]]) -> list[tuple[int, int]]:
        return [m.span() for m in matches]

    assert (later.pattern, later.flags, later.groups) == (now.pattern, now.flags, now.groups)
    assert dict(later.groupindex) == dict(now.groupindex)
    for method in ("search", "match", "fullmatch"):
        got, want = getattr(later, method)(text), getattr(now, method)(text)
        assert (got and got.span()) == (want and want.span())
    assert spans(later.finditer(text, 1)) == spans(now.finditer(text, 1))
    assert later.findall(text) == now.findall(text)
    assert later.sub("_", text) == now.sub("_", text)
    assert later.subn(lambda m: m.group(0).upper(), text, 2) == \
        now.subn(lambda m: m.group(0).upper(), text, 2)
    assert later.split(text) == now.split(text)


def _held(value: Any, depth: int = 0) -> Iterator[LazyPattern]:
    if isinstance(value, LazyPattern):
        yield value
    elif depth < 3 and isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _held(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _held(item, depth + 1)


def test_every_pattern_of_the_grammar_compiles() -> None:
    found = 0
    for info in pkgutil.walk_packages(taskd.extract.__path__, "taskd.extract."):
        if ".model" in info.name:
            continue  # the model backend: no grammar patterns, and it imports the client
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            for pattern in _held(value):
                pattern.compiled()  # raises re.error on a bad expression
                found += 1
    assert found >= 150  # the grammar is read through lazy patterns: they were all reached
