#!/usr/bin/env bash
# The white paper (ipcity/reports) needs Debian's pango (WeasyPrint's text layout) and
# fonts-noto-cjk (Chinese glyphs in the PDF and the charts); nothing is fetched at run time.
# Install them when missing and we may (root, or passwordless sudo), as ensure-chromium.sh does.
set -euo pipefail
missing=()
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "白皮书需要 Debian 软件包：${missing[*]}。请运行 sudo apt-get install ${missing[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
