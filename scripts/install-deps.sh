#!/bin/sh
# Installs the Debian packages claimscan needs to build, test and generate
# samples, when any is missing. Needs root (or sudo) only then.
set -eu

PACKAGES="build-essential cmake pkg-config
libtesseract-dev tesseract-ocr tesseract-ocr-eng libleptonica-dev
libpng-dev libtiff-dev libjpeg-dev libjansson-dev libssl-dev
libsqlite3-dev libmicrohttpd-dev libcmocka-dev
python3 python3-pil python3-numpy
fonts-liberation fonts-dejavu-core fonts-dkg-handwriting fonts-breip
chromium clang libclang-rt-14-dev time bc valgrind"
# Node.js for the review station's browser test, from Debian when the
# machine has none of its own.
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"

browser_deps() {
    # playwright-core for the browser test (drives Debian's chromium).
    if command -v npm >/dev/null 2>&1 &&
        [ ! -d tests/review/browser/node_modules/playwright-core ]; then
        (cd tests/review/browser && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
if [ -z "$missing" ]; then
    browser_deps
    exit 0
fi

echo "installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "please install as root: apt-get install$missing" >&2
    exit 1
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
browser_deps
