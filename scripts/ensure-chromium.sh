#!/usr/bin/env bash
# The tests need programs from Debian's packages: chromium (browser tests and PDF printing; no browser downloads work
# here), poppler-utils (pdfinfo/pdftotext/pdftoppm read reports back) and libxml2-utils (xmllint validates REFI-QDA
# exports against the XSDs). Install whichever is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
echo "Installing from Debian's packages for the tests: ${missing[*]}…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
