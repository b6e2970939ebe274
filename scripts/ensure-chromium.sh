#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright (no browser download).
# Install it when missing and we may (root, or passwordless sudo).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "浏览器测试需要 Debian 的 chromium：请运行 sudo apt-get install chromium" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
