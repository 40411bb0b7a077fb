#!/usr/bin/env bash
# Save-to-reload latency of `dossier serve`.
#
#   scripts/bench-serve.sh [SITE_DIR] [ROUNDS]     (defaults: this repository's sample site, 7)
#   DOSSIER_BIN=path/to/dossier scripts/bench-serve.sh …   (time that binary; nothing is built)
#
# Builds dossier in release mode (unless DOSSIER_BIN is set), starts `dossier serve --port 0` in SITE_DIR, listens on the
# live-reload stream (/__dossier/events) like an open page does, then rewrites one briefing
# ROUNDS times (atomically, as editors save) and measures the time from the write to the
# `reload` event. Four kinds of edit, each patched into the served site: a sentence added to
# the body, a changed title, one more tag (new to the site) and one more actor (one the
# briefing did not name). Also prints the server's
# own rebuild time for each round and how it rebuilt. The briefing is restored afterwards. A
# timed figure, not a test: run it on an otherwise idle machine.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
site="$(cd "${1:-$repo}" && pwd)"
rounds="${2:-7}"

binary="${DOSSIER_BIN:-}"
if [ -z "$binary" ]; then
    (cd "$repo" && swift build -c release --product dossier --scratch-path .build-serve >&2)
    binary="$repo/.build-serve/release/dossier"
fi
exec python3 - "$binary" "$site" "$rounds" <<'PY'
import os, re, socket, statistics, subprocess, sys, threading, time

binary, site, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
briefings = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "Content", "briefings"))
                   for f in fs if f.endswith(".md"))
if not briefings:
    sys.exit(f"no briefings under {site}/Content/briefings")
target = briefings[len(briefings) // 2]
original = open(target, "rb").read()

server = subprocess.Popen([binary, "serve", "--port", "0"], cwd=site, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, bufsize=1)
lines, address = [], None
def pump():
    for line in server.stdout:
        lines.append(line.rstrip("\n"))
threading.Thread(target=pump, daemon=True).start()
deadline = time.time() + 600
while address is None and time.time() < deadline and server.poll() is None:
    for line in list(lines):
        found = re.search(r"Serving (http://([\d.]+):(\d+)/)", line)
        if found:
            address = found
    time.sleep(0.01)
if address is None:
    server.kill()
    sys.exit("dossier serve did not start:\n" + "\n".join(lines))
host, port = address.group(2), int(address.group(3))
first_build = next((l for l in lines if " built " in l), "?")

events = socket.create_connection((host, port))
events.sendall(f"GET /__dossier/events HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
received = b""
def wait_for(marker, since, timeout=120):
    global received
    events.settimeout(timeout)
    while True:
        at = received.find(marker, since)
        if at >= 0:
            return at + len(marker)
        received += events.recv(65536)
position = wait_for(b"event: hello", 0)

def write_atomically(path, data):
    temporary = os.path.join(os.path.dirname(path), ".bench-" + os.path.basename(path))
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)

def retagged(data, round):
    """The same briefing with one more tag, new to the site: its page and feed appear."""
    text = data.decode()
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], 1):
        if line.startswith("tags:") and line.rstrip().endswith("]"):
            inner = line.rstrip()[len("tags:"):].strip()[1:-1].strip()
            lines[i] = "tags: [" + (inner + ", " if inner else "") + f"bench-{round}]"
            return "\n".join(lines).encode()
        if line == "---":
            lines.insert(i, f"tags: [bench-{round}]")
            return "\n".join(lines).encode()
    return data

def unnamed_actor(data):
    """An actor whose id and name the briefing never uses, or None."""
    text = data.decode().lower()
    folder = os.path.join(site, "Content", "actors")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not name.endswith(".md"):
            continue
        identifier = name[:-3]
        source = open(os.path.join(folder, name), encoding="utf-8").read()
        found = re.search(r'^name:\s*"?([^"\n]+)"?', source, re.M)
        if identifier.lower() not in text and not (found and found.group(1).strip().lower() in text):
            return identifier
    return None

def reactored(data, round):
    """The same briefing with one more actor in its front matter, one it did not name."""
    actor = unnamed_actor(data)
    text = data.decode()
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], 1):
        if actor and line.startswith("actors:") and line.rstrip().endswith("]"):
            inner = line.rstrip()[len("actors:"):].strip()[1:-1].strip()
            lines[i] = "actors: [" + (inner + ", " if inner else "") + f'"{actor}"]'
            return "\n".join(lines).encode()
        if line == "---":
            break
    return data

def retitled(data, round):
    """The same briefing with its title changed: a front-matter edit that `serve` patches in."""
    text = data.decode()
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], 1):
        if line.startswith("title:"):
            lines[i] = line.rstrip().rstrip('"') + f' (rev {round})"' if line.rstrip().endswith('"') else line + f" (rev {round})"
            break
        if line == "---":
            break
    return "\n".join(lines).encode()

results = {}
try:
    for kind in ["body", "title", "tags", "actors"]:
        latencies, rebuilds, how = [], [], []
        for round in range(rounds):
            if kind == "body":
                # Appends a sentence that names no entity: the edit a writer makes most.
                data = original if round % 2 else original + f"\nAnalysts revised this paragraph, round {round}.\n".encode()
            elif kind == "title":
                data = original if round % 2 else retitled(original, round)
            elif kind == "tags":
                data = original if round % 2 else retagged(original, round)
            else:
                data = original if round % 2 else reactored(original, round)
            seen = len(lines)
            start = time.perf_counter()
            write_atomically(target, data)
            position = wait_for(b"event: reload", position)
            latencies.append((time.perf_counter() - start) * 1000)
            # The server prints its rebuild time right after publishing; give it a moment to flush.
            until = time.time() + 2
            while time.time() < until and not any(" built " in l for l in lines[seen:]):
                time.sleep(0.001)
            built = [l for l in lines[seen:] if " built " in l]
            timing = re.search(r"in (\d+) ms \(([^,]+)", built[-1]) if built else None
            if timing:
                rebuilds.append(int(timing.group(1)))
                how.append("patch" if timing.group(2).startswith("body edit") else "full")
            time.sleep(0.2)  # let the reload settle before the next save
        results[kind] = (latencies, rebuilds, how)
finally:
    write_atomically(target, original)
    try:
        status = open(f"/proc/{server.pid}/status").read()
        peak = re.search(r"VmHWM:\s+(\d+) kB", status)
        resident = re.search(r"VmRSS:\s+(\d+) kB", status)
        memory = f"server memory: peak {int(peak.group(1)) // 1024} MiB, at the end {int(resident.group(1)) // 1024} MiB"
    except (OSError, AttributeError):
        memory = "server memory: not available (no /proc)"
    server.terminate()
    server.wait(timeout=10)

print(f"site: {site} ({len(briefings)} briefings); edited {os.path.relpath(target, site)}")
print(f"first build: {first_build}")
print(memory)
for kind, (latencies, rebuilds, how) in results.items():
    print(f"{kind} edits ({rounds} saves; rebuilt by: {' '.join(how)})")
    print(f"  rebuild, ms:               " + " ".join(map(str, rebuilds)))
    print(f"  save -> reload event, ms:  " + " ".join(f"{x:.0f}" for x in latencies))
    print(f"  save -> reload median {statistics.median(latencies):.0f} ms (min {min(latencies):.0f}, max {max(latencies):.0f}); "
          f"rebuild median {statistics.median(rebuilds) if rebuilds else float('nan'):.0f} ms; debounce 50 ms included")
PY
