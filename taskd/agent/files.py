"""Files a task names ("draft my weekly review from notes.md"): read only when allowlisted.

The only tool an agent task has, and it is read-only: `[agent] read_files` in config.toml lists
the files, nothing else is opened. A name in the task text is matched against that list (the full
path, or the bare file name when exactly one listed file has it); what matches is read up to
`max_file_bytes` and handed to the model as fenced data. A name that does not match is reported
back, so the delivered answer can say it was not read instead of pretending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# Text-like names only: "e.g." or "v1.2" are not files.
_NAME = re.compile(
    r"(?<![\w/~.-])(~?/?(?:[\w.-]+/)*[\w-][\w.-]*\.(?:md|txt|org|csv|json|log|ya?ml|toml|rst|ics|tsv))"
    r"(?![\w/])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FileText:
    name: str  # as the task wrote it
    path: Path
    text: str
    truncated: bool


@dataclass
class Files:
    read: list[FileText] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # named but not allowlisted, or unreadable

    def note(self) -> str:
        """One sentence for the delivered message when something named was not read."""
        if not self.refused:
            return ""
        names = ", ".join(self.refused)
        return (f"(taskd did not read {names}: only files listed in [agent] read_files of "
                "config.toml can be read.)")


def mentioned(text: str) -> list[str]:
    seen: list[str] = []
    for match in _NAME.finditer(text):
        if match.group(1) not in seen:
            seen.append(match.group(1))
    return seen


def _resolve(path: Path) -> Path:
    return path.expanduser().resolve(strict=False)


def _match(name: str, allowed: tuple[Path, ...]) -> Path | None:
    named = Path(name).expanduser()
    if named.is_absolute():
        target = _resolve(named)
        return next((p for p in allowed if _resolve(p) == target), None)
    if len(named.parts) == 1:
        same = [p for p in allowed if p.name == named.name]
        return same[0] if len(same) == 1 else None
    # A relative path with folders: compare against the listed paths' tails, never the cwd.
    tails = [p for p in allowed if _resolve(p).parts[-len(named.parts):] == named.parts]
    return tails[0] if len(tails) == 1 else None


def _read(path: Path, cap: int) -> tuple[str, bool]:
    with _resolve(path).open("rb") as handle:
        data = handle.read(cap + 1)
    return data[:cap].decode("utf-8", errors="replace"), len(data) > cap


def gather(text: str, allowed: tuple[Path, ...], cap: int) -> Files:
    found = Files()
    for name in mentioned(text):
        path = _match(name, allowed)
        if path is None:
            found.refused.append(name)
            continue
        try:
            body, truncated = _read(path, cap)
        except OSError:
            found.refused.append(name)
            continue
        found.read.append(FileText(name, path, body, truncated))
    return found
