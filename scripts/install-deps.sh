#!/bin/sh
# Installs the Debian packages claimscan needs to build, test and generate
# samples, when any is missing. Needs root (or sudo) only then.
set -eu

PACKAGES="build-essential cmake pkg-config
libtesseract-dev tesseract-ocr-eng libleptonica-dev
libpng-dev libtiff-dev libjpeg-dev libjansson-dev libssl-dev
libsqlite3-dev libmicrohttpd-dev libcmocka-dev
python3 python3-pil python3-numpy
fonts-liberation fonts-dejavu-core fonts-dkg-handwriting fonts-breip"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

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
