#!/usr/bin/env bash
# Browser tests drive Debian's chromium (no browser downloads work here); the PDF tests read reports back with
# poppler-utils (pdfinfo, pdftotext, pdftoppm). Install them when either is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null; then exit 0; fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
echo "Installing Debian's chromium for the browser tests…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation libxml2-utils poppler-utils >/dev/null
