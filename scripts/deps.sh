#!/bin/sh
# deps.sh — install the Debian packages Lectern needs to build, run and test.
# As root: installs what is missing.  Otherwise: prints the apt-get line.
set -eu
BUILD="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libpq-dev libjansson-dev \
libsodium-dev libcurl4-gnutls-dev zlib1g-dev libmd4c-dev libmagic-dev libarchive-dev libqrencode-dev ffmpeg \
libcairo2-dev libpango1.0-dev fonts-dejavu-core tzdata"
TEST="libcmocka-dev clang libclang-rt-14-dev postgresql chromium poppler-utils python3 python3-cryptography openssl"
BENCH="wrk nginx-light"
case "${1:-all}" in
    build) PKGS="$BUILD" ;;
    *) PKGS="$BUILD $TEST $BENCH" ;;
esac
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js and npm (browser tests): any install will do (Debian's or another).
if [ "${1:-all}" != build ] && ! command -v npm >/dev/null 2>&1; then
    missing="$missing nodejs npm"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
    apt-get update -qq
fi
apt-get install -y -qq --no-install-recommends $missing >/dev/null
