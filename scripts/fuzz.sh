#!/usr/bin/env bash
# Fuzzes the front-matter splitter, the loader and the Markdown pipeline through the CLI:
# mutated briefing, entity, page and site.yml files go to `dossier check` / `dossier build`
# in a temporary site; crashes, hangs, Swift runtime errors, malformed diagnostics and unsafe
# output are reported and saved (see scripts/fuzz/fuzz_loader.py).
#
#   scripts/fuzz.sh                   # 60 seconds
#   scripts/fuzz.sh --seconds 600     # longer
#   scripts/fuzz.sh --binary PATH     # an existing dossier build instead of building one
#   other options (--batch, --timeout, --seed, --findings) go to the harness
#
# Exit status: 0 nothing found, 1 findings (listed at the end), 2 usage or build errors.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=""
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --binary=*) binary="${1#--binary=}"; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) args+=("$1"); shift ;;
    esac
done

if [[ -z "$binary" ]]; then
    scratch="${DOSSIER_FUZZ_SCRATCH:-.build-fuzz}"
    echo "building dossier (release) in $scratch ..." >&2
    swift build -c release --product dossier --scratch-path "$scratch" >&2 || exit 2
    binary="$scratch/release/dossier"
fi
[[ -x "$binary" ]] || { echo "fuzz.sh: no executable at $binary" >&2; exit 2; }

exec python3 scripts/fuzz/fuzz_loader.py --binary "$(realpath "$binary")" "${args[@]+"${args[@]}"}"
