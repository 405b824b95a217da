#!/usr/bin/env bash
# Installs what the build needs from Debian's packages when it is missing: libcmark-dev.
set -euo pipefail
if pkg-config --exists libcmark 2>/dev/null && [ -f /usr/include/cmark.h ]; then
    exit 0
fi
echo "ensure-deps: installing libcmark-dev (Debian package) ..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq libcmark-dev pkg-config >/dev/null
pkg-config --exists libcmark
