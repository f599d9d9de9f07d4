"""The shape of config.toml, checked once when settings load: a wrong type names its key.

Only the top level and the types of its tables are fixed here; each section's own keys are checked
by the code that reads them ([service] by `schedule.policy`, [agent] by `agent.config`, a channel
by its delivery class). Imported only when a config.toml exists: pydantic stays off the start-up
path of a CLI that has none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from taskd.errors import BadInput

_EXAMPLES = {
    "timezone": '"Europe/Berlin"',
    "default_channels": '["desktop", "hook"]',
    "backend": '"rules"',
    "database": '"sqlite:////home/me/taskd.db"',
    "model": '"gpt-4o-mini"',
    "openai_base_url": '"http://127.0.0.1:8080/v1"',
}
_WANTS = {
    "string_type": "text in quotes",
    "list_type": "a list of names",
    "dict_type": "a table",
    "literal_error": "one of",
    "extra_forbidden": "a known key (there is no such setting)",
    "model_type": "a table",
}


class ApiConfig(BaseModel):
    # [api]: its keys are few and a typo (`listne`) would silently leave the API off TCP.
    model_config = ConfigDict(strict=True, extra="forbid")

    listen: str | None = None  # "127.0.0.1:8377"; checked further by taskd.api.listen


class ConfigFile(BaseModel):
    # strict: `timezone = 5` is not the zone "5", and `default_channels = "hook"` is not the
    # channels h, o, o, k. Unknown keys are left to the code that owns them.
    model_config = ConfigDict(strict=True, extra="allow")

    timezone: str | None = None
    backend: Literal["rules", "openai", "auto"] | None = None
    database: str | None = None
    model: str | None = None
    openai_base_url: str | None = None
    default_channels: list[str] | None = None
    channels: dict[str, dict[str, Any]] | None = None
    service: dict[str, Any] | None = None
    agent: dict[str, Any] | None = None
    api: ApiConfig | None = None


def check(config: dict[str, Any], path: Path) -> None:
    """Raise BadInput naming the first key at fault, what it must be, and the file to fix."""
    try:
        ConfigFile.model_validate(config)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = [str(part) for part in error["loc"] if part not in ("str", "list[str]")]
        key = loc[0] if loc else "?"
        if len(loc) == 1:
            where = key
        elif error["type"] in ("dict_type", "model_type"):  # [channels.hook] itself is not a table
            where = "[" + ".".join(loc) + "]"
        else:
            where = f"[{'.'.join(loc[:-1])}] {loc[-1]}"
        wants = _WANTS.get(error["type"])
        if error["type"] == "literal_error":
            wants = error["msg"].removeprefix("Input should be ").replace("'", '"')
        example = f", e.g. {key} = {_EXAMPLES[key]}" if key in _EXAMPLES and len(loc) == 1 else ""
        got = repr(error.get("input"))
        got = got if len(got) <= 40 else got[:37] + "..."
        raise BadInput(f"{path}: {where} must be {wants or error['msg'].lower()}{example} "
                       f"(it is {got})") from None
