#!/usr/bin/env bash
# `make run`: the web server and one background worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
.venv/bin/ipcity worker --no-startup-delay &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "ipcity: http://$HOST:$PORT/  (Ctrl-C to stop the web server and the worker)"
.venv/bin/ipcity runserver "$HOST:$PORT"
