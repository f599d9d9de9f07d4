"""Run the real `taskd` entry point in-process, with an injected clock, and capture what it prints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from taskd.cli import main
from taskd.clock import Clock


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def taskd(capsys: pytest.CaptureFixture[str], clock: Clock | None, *args: str) -> Result:
    capsys.readouterr()
    code = 0
    try:
        main(list(args), {"clock": clock} if clock else None)
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
