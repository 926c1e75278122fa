#!/usr/bin/env bash
# Debian packages the browser tests, charts and README curl examples need: Chromium (headless),
# a CJK font and curl.
# Installed only when missing; without root it says what to install and carries on
# (the browser tests then skip with that reason).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl)
fc-list 2>/dev/null | grep -qi -E "noto sans cjk|wenquanyi" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${need[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
else
  echo "Missing Debian packages (browser tests will skip): ${need[*]}" >&2
fi
