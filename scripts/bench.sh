#!/usr/bin/env bash
# Dossier benchmark: build generated corpora of N briefings in release mode and report wall time,
# CPU time, pages per second and peak memory for
#   (a) a full build into a clean Output/,
#   (b) a rebuild with nothing changed,
#   (c) a rebuild after appending a sentence to one briefing,
# and, when `hugo` is installed, a clean `hugo --quiet` build of the same briefings in the same run.
#
#   scripts/bench.sh                       # N = 1,000 and 10,000, seed 1
#   scripts/bench.sh --sizes "1000" --runs 3
#   scripts/bench.sh --rev HEAD            # build a clean snapshot of a commit instead of the work tree
#
# Options (or the environment variables in brackets):
#   --sizes "N ..."   corpus sizes [SIZES]                         default "1000 10000"
#   --seed S          corpus seed [SEED]                           default 1
#   --runs R          repeat every measurement, report the median [RUNS]   default 1
#   --rev REV         build `git archive REV` in $BENCH_DIR/src-<hash> instead of the work tree
#   --no-build        use the existing binary (.build-bench/release/dossier)
#   --no-hugo         skip Hugo even when installed
#   --timeout SEC     give up on one build after SEC seconds [TIMEOUT]      default 3600
# Corpora are cached in $BENCH_DIR (default /tmp/dossier-bench), keyed by N, seed and a hash of
# scripts/corpus.py. Results are also appended to $BENCH_DIR/results.tsv.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/dossier-bench}"
SIZES="${SIZES:-1000 10000}"
SEED="${SEED:-1}"
RUNS="${RUNS:-1}"
TIMEOUT="${TIMEOUT:-3600}"
REV=""
BUILD=1
HUGO_WANTED=1

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --rev) REV="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --no-hugo) HUGO_WANTED=0; shift ;;
        --timeout) TIMEOUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

say() { printf '%s\n' "$*" >&2; }

# --- tools --------------------------------------------------------------------------------------
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        say "installing GNU time (apt-get install -y time)"
        apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y time >/dev/null; }
    else
        say "bench.sh needs GNU time at /usr/bin/time: sudo apt-get install -y time"; exit 2
    fi
fi
HUGO=""
if [ "$HUGO_WANTED" = 1 ] && command -v hugo >/dev/null 2>&1; then
    HUGO="$(command -v hugo)"
fi
mkdir -p "$BENCH_DIR"

# --- build Dossier --------------------------------------------------------------------------------
if [ -n "$REV" ]; then
    COMMIT="$(git -C "$REPO" rev-parse --short "$REV")"
    SRC="$BENCH_DIR/src-$COMMIT"
    if [ ! -f "$SRC/Package.swift" ]; then
        mkdir -p "$SRC"
        git -C "$REPO" archive "$COMMIT" | tar -x -C "$SRC"
    fi
    STATE="$COMMIT (clean snapshot)"
else
    SRC="$REPO"
    COMMIT="$(git -C "$REPO" log -1 --format=%h)"
    if [ -n "$(git -C "$REPO" status --porcelain -- Sources Package.swift 2>/dev/null)" ]; then
        STATE="$COMMIT + uncommitted changes in Sources/"
    else
        STATE="$COMMIT"
    fi
fi
DOSSIER="$SRC/.build-bench/release/dossier"
if [ "$BUILD" = 1 ]; then
    say "building dossier (release, scratch path $SRC/.build-bench) at $STATE"
    ok=0
    for attempt in 1 2 3 4 5; do
        # Others edit Sources/ while we build: swift build then fails with "modified during the build".
        if (cd "$SRC" && swift build -c release --scratch-path .build-bench --product dossier) >"$BENCH_DIR/build.log" 2>&1; then
            ok=1; break
        fi
        grep -q "modified during the build" "$BENCH_DIR/build.log" || break
        say "  sources changed during the build; retrying ($attempt)"
        sleep 10
    done
    if [ "$ok" != 1 ]; then tail -30 "$BENCH_DIR/build.log" >&2; say "build failed (log: $BENCH_DIR/build.log)"; exit 1; fi
    if [ -z "$REV" ]; then COMMIT="$(git -C "$REPO" log -1 --format=%h)"; fi
fi
[ -x "$DOSSIER" ] || { say "no binary at $DOSSIER (run without --no-build)"; exit 1; }
VERBOSE_FLAG=""
if "$DOSSIER" build --help 2>&1 | grep -q -- "--verbose"; then VERBOSE_FLAG="-v"; fi
CACHE_FLAG_HELP="$("$DOSSIER" build --help 2>&1 | grep -c -- "--no-cache" || true)"

# --- corpora ------------------------------------------------------------------------------------
GEN_HASH="$(sha1sum "$REPO/scripts/corpus.py" | cut -c1-8)"
corpus() {  # corpus N -> prints the folder holding site/ and hugo/
    local n="$1" dir="$BENCH_DIR/corpus-n$1-s$SEED-g$GEN_HASH"
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$dir"
        say "generating corpus N=$n seed=$SEED into $dir"
        local t0 t1
        t0=$(date +%s.%N)
        python3 "$REPO/scripts/corpus.py" --briefings "$n" --seed "$SEED" --out "$dir/site" --hugo "$dir/hugo" 2>/dev/null
        t1=$(date +%s.%N)
        say "  generated in $(echo "$t1 - $t0" | bc) s"
        touch "$dir/.complete"
    fi
    echo "$dir"
}

# --- measuring ----------------------------------------------------------------------------------
# measure DIR LOG CMD...: runs CMD in DIR under /usr/bin/time -v; sets WALL CPU RSS_MB STATUS.
measure() {
    local dir="$1" log="$2"; shift 2
    local tv="$log.time" t0 t1
    t0=$(date +%s.%N)
    set +e
    (cd "$dir" && /usr/bin/time -v -o "$tv" timeout "$TIMEOUT" "$@") >"$log" 2>&1
    STATUS=$?
    set -e
    t1=$(date +%s.%N)
    WALL=$(echo "$t1 - $t0" | bc)
    local user sys rss
    user=$(awk -F': ' '/User time \(seconds\)/ {print $2}' "$tv")
    sys=$(awk -F': ' '/System time \(seconds\)/ {print $2}' "$tv")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    CPU=$(echo "${user:-0} + ${sys:-0}" | bc)
    RSS_MB=$(echo "scale=0; ${rss:-0} / 1024" | bc)
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

ROWS=()        # "N|tool|case|wall|cpu|pages|rss|note"
declare -A FULL_WALL HUGO_WALL
record() {  # record N tool case walls cpus rsses pages note
    local wall cpu rss range note="$8"
    wall=$(echo "$4" | median); cpu=$(echo "$5" | median); rss=$(echo "$6" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -1)
    if [ "$RUNS" -gt 1 ]; then
        range=$(echo "$4" | tr ' ' '\n' | grep -v '^$' | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "wall %.2f-%.2f s", lo, hi}')
        note="$range; $note"
    fi
    set -- "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$note"
    ROWS+=("$1|$2|$3|$wall|$cpu|$7|$rss|$8")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$COMMIT" "$1" "$2" "$3" "$wall" "$cpu" "$7" "$rss" \
        "$(cut -d' ' -f1 /proc/loadavg)" "$8" >>"$BENCH_DIR/results.tsv"
    say "$(printf '  %-7s %-6s %-10s wall %8.2f s  cpu %8.2f s  pages %6s  peak %6s MiB  %s' "$1" "$2" "$3" "$wall" "$cpu" "$7" "$rss" "$8")"
}

# Old outputs are moved aside, not deleted, until the run ends. On ext4 without a journal (this
# VM's disk), creating files soon after deleting as many makes the inode allocator skip every
# recently deleted inode (`find_inode_bit` -> `recently_deleted`, 300 s while their blocks are
# dirty): a build right after `rm -rf` of the last output spent 2-9 s more in the kernel, Hugo's
# as much as Dossier's, growing run after run. Only the trash an interrupted run left behind is
# deleted before the builds (then the first ones may pay for it).
TRASH="$BENCH_DIR/trash"
set_aside() {
    local p d
    for p in "$@"; do
        [ -e "$p" ] || continue
        d="$(mktemp -d "$TRASH/old.XXXXXX")" || { say "cannot make a folder in $TRASH"; exit 1; }
        mv "$p" "$d/" || { say "cannot set $p aside"; exit 1; }
    done
}
empty_trash() { rm -rf "$TRASH"; mkdir -p "$TRASH"; }
clean_output() { set_aside "$1/Output" "$1"/.Output.dossier-* "$1/.Output.dossier-cache"; }
if [ -n "$(ls -A "$TRASH" 2>/dev/null)" ]; then say "deleting outputs an interrupted run set aside in $TRASH"; fi
empty_trash

count_mentions() {  # prints "links=L reported=M" for a built Dossier site
    python3 - "$1" <<'PY'
import os, re, sys
root = sys.argv[1]
links = 0
for dirpath, _, files in os.walk(os.path.join(root, "briefings")):
    if "index.html" not in files or "/page/" in dirpath + "/":
        continue
    html = open(os.path.join(dirpath, "index.html"), encoding="utf-8").read()
    start = html.find('<div class="body">')
    end = html.find('<aside', start)
    if start < 0:
        continue
    body = html[start:end if end > 0 else len(html)]
    links += len(re.findall(r'<a href="[^"]*/(?:actors|places)/', body))
print("links=%d" % links)
PY
}

say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "dossier: $STATE; hugo: ${HUGO:+$("$HUGO" version | awk '{print $2}')}${HUGO:-not installed}"

declare -A MENTIONS MATCHING
for N in $SIZES; do
    CORPUS="$(corpus "$N")"
    WORK="$BENCH_DIR/work-n$N"
    set_aside "$WORK"; mkdir -p "$WORK"
    cp -a "$CORPUS/site" "$WORK/site"
    # Files are older than this in real use: `dossier build` trusts a file's stamp (and skips
    # reading it next time) only once its times are two seconds old.
    sleep 3
    SITE="$WORK/site"
    LOG="$WORK/log"
    say "N=$N  (load average $(cut -d' ' -f1-3 /proc/loadavg))"

    # (a) full build into a clean Output/
    walls=""; cpus=""; rsses=""
    for r in $(seq "$RUNS"); do
        clean_output "$SITE"
        measure "$SITE" "$LOG-full-$r" "$DOSSIER" build $VERBOSE_FLAG --content Content --output Output
        if [ "$STATUS" != 0 ]; then tail -5 "$LOG-full-$r" >&2; say "  full build failed (status $STATUS)"; fi
        walls+=" $WALL"; cpus+=" $CPU"; rsses+=" $RSS_MB"
    done
    PAGES=$(find "$SITE/Output" -name '*.html' 2>/dev/null | wc -l)
    FILES=$(find "$SITE/Output" -type f 2>/dev/null | wc -l)
    note="files $FILES"
    if [ -n "$VERBOSE_FLAG" ]; then
        m=$(sed -n 's/.*matching *\([0-9.]*\) s CPU for \([0-9]*\) mentions.*/\1 \2/p' "$LOG-full-$RUNS")
        if [ -n "$m" ]; then MATCHING[$N]="${m% *}"; MENTIONS[$N]="${m#* }"; fi
        stages=$(awk '/^  (load|resolve|render|write) / {printf "%s %s ", $1, $2}' "$LOG-full-$RUNS")
        [ -n "$stages" ] && note+="; stages of the last run: $stages"
    fi
    links=$(count_mentions "$SITE/Output")
    record "$N" dossier full "$walls" "$cpus" "$rsses" "$PAGES" "$note; $links"
    FULL_WALL[$N]=$(echo "$walls" | median)

    # (b) no-change rebuild
    walls=""; cpus=""; rsses=""
    for r in $(seq "$RUNS"); do
        measure "$SITE" "$LOG-nochange-$r" "$DOSSIER" build $VERBOSE_FLAG --content Content --output Output
        walls+=" $WALL"; cpus+=" $CPU"; rsses+=" $RSS_MB"
    done
    record "$N" dossier no-change "$walls" "$cpus" "$rsses" "$PAGES" "$(grep -o '[0-9]* written, [0-9]* unchanged' "$LOG-nochange-$RUNS" || true)"

    # (c) rebuild after appending a sentence to one briefing (a different sentence each run)
    EDITED="$(cd "$SITE" && find Content/briefings -name '*.md' | sort | awk -v n="$N" 'NR == int(n/2)+1')"
    walls=""; cpus=""; rsses=""
    for r in $(seq "$RUNS"); do
        printf '\nThe desk will revisit this assessment (edit %s).\n' "$r-$(date +%s%N)" >>"$SITE/$EDITED"
        measure "$SITE" "$LOG-edit-$r" "$DOSSIER" build $VERBOSE_FLAG --content Content --output Output
        walls+=" $WALL"; cpus+=" $CPU"; rsses+=" $RSS_MB"
    done
    record "$N" dossier one-edit "$walls" "$cpus" "$rsses" "$PAGES" "$(grep -o '[0-9]* written, [0-9]* unchanged' "$LOG-edit-$RUNS" || true)"

    # Hugo: clean build of the same briefings
    if [ -n "$HUGO" ]; then
        walls=""; cpus=""; rsses=""
        for r in $(seq "$RUNS"); do
            set_aside "$WORK/hugo-public" "$WORK/hugo-cache" "$CORPUS/hugo/resources"
            rm -f "$CORPUS/hugo/.hugo_build.lock"
            measure "$CORPUS/hugo" "$LOG-hugo-$r" "$HUGO" --quiet --destination "$WORK/hugo-public" --cacheDir "$WORK/hugo-cache"
            if [ "$STATUS" != 0 ]; then tail -5 "$LOG-hugo-$r" >&2; say "  hugo failed (status $STATUS)"; fi
            walls+=" $WALL"; cpus+=" $CPU"; rsses+=" $RSS_MB"
        done
        HPAGES=$(find "$WORK/hugo-public" -name '*.html' | wc -l)
        HFILES=$(find "$WORK/hugo-public" -type f | wc -l)
        record "$N" hugo full "$walls" "$cpus" "$rsses" "$HPAGES" "files $HFILES"
        HUGO_WALL[$N]=$(echo "$walls" | median)
        set_aside "$CORPUS/hugo/resources"
        rm -f "$CORPUS/hugo/.hugo_build.lock"
    fi
done
say "deleting the set-aside outputs"
empty_trash

# --- summary ------------------------------------------------------------------------------------
echo
echo "Dossier $STATE, $(nproc) cores, load average at end $(cut -d' ' -f1-3 /proc/loadavg), seed $SEED, median of $RUNS run(s)"
echo
printf '| %-7s | %-7s | %-10s | %9s | %9s | %7s | %9s | %10s | %13s |\n' N tool build "wall s" "CPU s" pages "pages/s" "peak MiB" "Dossier/Hugo"
printf '| %-7s | %-7s | %-10s | %9s | %9s | %7s | %9s | %10s | %13s |\n' --- --- --- ---: ---: ---: ---: ---: ---:
for row in "${ROWS[@]}"; do
    IFS='|' read -r n tool kind wall cpu pages rss note <<<"$row"
    pps=$(echo "scale=1; $pages / $wall" | bc 2>/dev/null || echo "-")
    ratio="-"
    if [ "$tool" = dossier ] && [ "$kind" = full ] && [ -n "${HUGO_WALL[$n]:-}" ]; then
        ratio=$(echo "scale=3; $wall / ${HUGO_WALL[$n]}" | bc)
    fi
    printf '| %-7s | %-7s | %-10s | %9.2f | %9.2f | %7s | %9s | %10s | %13s |\n' "$n" "$tool" "$kind" "$wall" "$cpu" "$pages" "$pps" "$rss" "$ratio"
done
echo
for row in "${ROWS[@]}"; do
    IFS='|' read -r n tool kind wall cpu pages rss note <<<"$row"
    [ -n "$note" ] && echo "  $n $tool $kind: $note"
done
sizes=($SIZES)
if [ "${#sizes[@]}" -ge 2 ]; then
    small=${sizes[0]}; large=${sizes[${#sizes[@]}-1]}
    if [ -n "${FULL_WALL[$small]:-}" ] && [ -n "${FULL_WALL[$large]:-}" ]; then
        echo
        echo "linear growth: full build time($large)/time($small) = $(echo "scale=2; ${FULL_WALL[$large]} / ${FULL_WALL[$small]}" | bc) (target <= $(echo "scale=1; 1.1 * $large / $small" | bc))"
    fi
fi
for N in $SIZES; do
    if [ -n "${MENTIONS[$N]:-}" ]; then
        echo "mentions N=$N: ${MENTIONS[$N]} found in briefing bodies (dossier -v); matching ${MATCHING[$N]} s CPU" \
             "= $(echo "scale=0; ${MENTIONS[$N]} / ${MATCHING[$N]}" | bc 2>/dev/null || echo '?') mentions/s of matching CPU," \
             "$(echo "scale=0; ${MENTIONS[$N]} / ${FULL_WALL[$N]}" | bc) mentions/s of full-build wall time"
    fi
done
echo "(links to /actors/ and /places/ inside briefing bodies are a lower bound on mentions found: with linking: first only the first mention of each entity is linked)"
