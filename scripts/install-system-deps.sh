#!/usr/bin/env bash
# Debian packages the browser tests, charts and README curl examples need: Chromium (headless),
# a CJK font and curl; and Pango with HarfBuzz's subsetter, which WeasyPrint needs to write the
# annual review report as PDF (chainkg report --format pdf).
# Installed only when missing; without root it says what to install and carries on
# (the browser tests then skip with that reason).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl)
# grep reads all its input (no -q): with pipefail, an early exit would fail the pipe (SIGPIPE).
fc-list 2>/dev/null | grep -i -E "noto sans cjk|wenquanyi" >/dev/null || need+=(fonts-noto-cjk)
for pair in libpango-1.0-0:libpango-1.0.so.0 libpangoft2-1.0-0:libpangoft2-1.0.so.0 \
  libharfbuzz-subset0:libharfbuzz-subset.so.0; do
  ldconfig -p 2>/dev/null | grep -F "${pair#*:}" >/dev/null || need+=("${pair%%:*}")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${need[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
else
  echo "Missing Debian packages (browser tests will skip): ${need[*]}" >&2
fi
