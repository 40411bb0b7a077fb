#!/usr/bin/env bash
# Makes sure the system libraries Dossier links against are present.
# As root it installs them with apt-get; otherwise it says what to install.
set -euo pipefail

packages=(libcmark-gfm-dev libcmark-gfm-extensions-dev libjemalloc-dev pkg-config)

have_deps() {
  command -v pkg-config >/dev/null 2>&1 &&
    pkg-config --exists libcmark-gfm jemalloc &&
    { [ -f /usr/include/cmark-gfm-core-extensions.h ] || [ -f /usr/local/include/cmark-gfm-core-extensions.h ]; }
}

if have_deps; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${packages[*]} with apt-get…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
  exit 0
fi

cat >&2 <<MSG
Dossier needs the cmark-gfm C library and its extensions, and jemalloc (with pkg-config).
Install them, then run make again:

  Debian/Ubuntu:  sudo apt-get install ${packages[*]}
  macOS (Homebrew): brew install cmark-gfm jemalloc pkg-config

MSG
exit 1
