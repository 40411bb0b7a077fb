#!/usr/bin/env python3
"""Mutation fuzzer for Dossier's front-matter splitter, loader and Markdown pipeline.

Feeds mutated briefing, entity, page and site.yml files to the real `dossier` binary in a
temporary site and flags:

  crash     the process died from a signal, or exited with a status other than 0, 1 or 2
  hang      it ran longer than --timeout (the watchdog should stop any page at max_page_seconds)
  internal  stderr carries a Swift runtime error ("Fatal error", "Illegal instruction"…)
  format    a diagnostic line is not `path:line:column: severity: message`
  unsafe    a built page carries a live script URL or event handler from content
  slow      the watchdog had to stop a page (a slow shape the pre-checks do not catch yet)

Each batch puts many inputs in one site (one process start for all of them); a finding is
narrowed down to the single file that causes it and saved under --findings.

Standard library only. Usage: scripts/fuzz.sh [--seconds N]  (see --help).
"""
import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------
# Seeds: ordinary files plus the shapes known to hurt YAML, cmark-gfm and the loader.

BRIEFING = b"""---
title: "Mosul's fall and what comes after"
date: 2017-06-22
summary: One or two sentences.
tags: [iraq, counter-terrorism]
actors: [daesh, pmu]
places: [mosul]
events:
  - date: 2014-06-10
    title: Daesh seizes Mosul
    actors: [daesh]
sources:
  - title: UN OCHA flash update
    url: https://example.org/ocha-mosul
    date: 2017-06-20
---
Daesh's hold on [[mosul]] is ending; [[pmu|the militias]] are moving west.

## Outlook

| a | b |
|---|:-:|
| 1 | 2 |

> quoted *emphasis* and **strong** and `code` and ~~struck~~ and www.example.org[^1]

[^1]: A footnote.
"""

SEEDS = [
    BRIEFING,
    b"---\ntitle: A\ndate: 2017-06-22\n---\nBody.\n",
    b"\xef\xbb\xbf---\r\ntitle: CRLF\r\ndate: 2017-06-22\r\n---\r\nText\r\n",
    b"---\ntitle: no\ndate: 2017-06-22\nslug: 012\n---\n",
    b"---\ntitle: A\ndate: 2017-06-22\ntags: &t [a]\nplaces: *t\n---\n",
    b"---\ntitle: A\ndate: 2017-06-22\ntitle: B\n---\n",
    b"---\ntitle: [[[[[[a]]]]]]\ndate: 2017-06-22\n---\n",
    b"---\ntitle: A\ndate: 2017-06-22\n...\n<div onclick=x>raw</div>\n<script>alert(1)</script>\n",
    b"---\ntitle: A\ndate: 2017-06-22\nsources:\n  - title: s\n    url: javascript:alert(1)\n---\n[x](javascript:alert(1))\n",
    b"---\ntitle: A\ndate: 2017-06-22\n---\n" + b"> " * 300 + b"- [ ] a\n\n[a]: http://x\n\n[a][a][a]\n",
    b"---\ntitle: A\ndate: 2017-06-22\n---\n|a|b|c|\n|-|-|-|\nx\ny\n\n![[]()![[]()x <?a <![CDATA[ <!-- a@b.c\n",
    b"---\ntitle: A\ndate: 2017-06-22\n",  # unterminated
]

ENTITY = b"---\nname: Daesh\naliases: [ISIS, ISIL, \"Islamic State\"]\nkind: armed group\npart_of: []\n---\nProfile of [[mosul]].\n"
PLACE = b"---\nname: Mosul\nwithin: nineveh\ncoordinates: [36.34, 43.13]\n---\nA city.\n"
PAGE = b"---\ntitle: About\nslug: about\n---\nAbout this site.\n"
SITE = b"title: Fuzz\nbase_url: https://example.org/levant/\nlinking: first\nraw_html: true\nbudgets:\n  max_page_seconds: 10\n"

TOKENS = [
    b"---\n", b"...\n", b"\r\n", b"\r", b"\xef\xbb\xbf", b"\x00", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
    b"\xff", b"\x01", b"\t", b"\x0b", b"\x0c", b"\xc2\x85", b"\xef\xbf\xbe",
    b"&a ", b"*a", b"&a [x]", b"<<: *a", b"!!binary", b"!!python/object:x", b"? ", b": ", b"- ", b"{", b"}", b"[", b"]",
    b"'", b'"', b"\\", b"#", b"|\n", b">\n", b"%YAML 1.1\n", b"%TAG ! x\n", b"&", b"*",
    b"<!--", b"-->", b"<?", b"?>", b"<![CDATA[", b"]]>", b"<!A", b"![", b"](", b"[[", b"]]", b"[^1]", b"[a]: ",
    b"|---|", b"|-|-|-|-|-|-|-|-|\n", b"> ", b"* ", b"1. ", b"```", b"~~~", b"~~", b"`", b"_", b"**", b"www.", b"a@b.",
    b"http://", b"javascript:alert(1)", b"JaVaScRiPt:", b"&#106avascript:", b"data:text/html,", b"vbscript:",
    b"<img src=x onerror=alert(1)>", b"<a href=\"javascript:alert(1)\">", b"<svg><animate attributeName=href values=javascript:alert(1) />",
    b"<script>", b"</script>", b"<style>", b"<iframe srcdoc=x>", b"style=\"x\"",
    b"../", b"..\\", b"%2e%2e/", b"/etc/passwd", b"con", b"slug: ../../x\n", b"slug: A/B\n", b"date: 2017-02-30\n",
    b"date: 99999-01-01\n", b"date: 2017-06-22T25:61:61Z\n", b"title: \n", b"tags: ~\n", b"draft: maybe\n",
    b"linking: sometimes\n", b"coordinates: [91, 181]\n", b"part_of: [x, x, x]\n", b"within: mosul\n",
    b"\xd9\x85\xd9\x88\xd8\xb5\xd9\x84", b"e\xcc\x81", b"\xe2\x80\xae", b"\xe2\x80\xa8",
]


def mutate(data: bytes, rng: random.Random, pool) -> bytes:
    data = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 5, 8])):
        choice = rng.randrange(11)
        pos = rng.randrange(len(data) + 1)
        if choice == 0 and data:  # flip bits
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        elif choice == 1:  # random byte
            data[pos:pos] = bytes([rng.randrange(256)])
        elif choice == 2 and data:  # delete a range
            end = min(len(data), pos + rng.randrange(1, 32))
            del data[pos:end]
        elif choice in (3, 4, 5):  # interesting token
            data[pos:pos] = rng.choice(TOKENS)
        elif choice == 6 and data:  # duplicate a chunk
            start = rng.randrange(len(data))
            chunk = data[start:start + rng.randrange(1, 64)]
            data[pos:pos] = chunk
        elif choice == 7 and data:  # repeat a chunk many times (grows pathological shapes)
            start = rng.randrange(len(data))
            chunk = bytes(data[start:start + rng.randrange(1, 12)])
            data[pos:pos] = chunk * rng.choice([10, 100, 1000, 10000])
        elif choice == 8:  # splice with another seed
            other = rng.choice(pool)
            cut = rng.randrange(len(other) + 1)
            data[pos:] = other[cut:]
        elif choice == 9:  # repeat a token many times
            data[pos:pos] = rng.choice(TOKENS) * rng.choice([50, 500, 5000])
        else:  # duplicate or drop a line
            lines = bytes(data).split(b"\n")
            i = rng.randrange(len(lines))
            if rng.random() < 0.5:
                lines.insert(i, lines[i])
            else:
                del lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data[:2_000_000])


# ---------------------------------------------------------------------------------------------

DIAGNOSTIC = re.compile(rb"^[^:\n]+:\d+:\d+: (error|warning): .+$")
ALLOWED_STDERR = [
    re.compile(rb"^build failed: .*$"),
    re.compile(rb"^build stopped: .*$"),
    re.compile(rb"^error: .*$"),  # I/O and usage errors (exit 2)
]
INTERNAL = re.compile(rb"Fatal error|Illegal instruction|Segmentation fault|Current stack trace|Stack dump|Thread \d+ crashed|precondition")
UNSAFE = [
    re.compile(rb"""(?i)<[a-z][^<>]*\s(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(javascript|vbscript|data:text):"""),
    re.compile(rb"""(?i)<[a-z][^<>]*[\s"'/]on[a-z]+\s*="""),
    re.compile(rb"""(?i)<script>alert"""),
    re.compile(rb"""(?i)<(svg|iframe|object|embed|animate)[\s>/]"""),
]


class Site:
    def __init__(self, root: Path):
        self.root = root

    def reset(self):
        content = self.root / "Content"
        output = self.root / "Output"
        for path in (content, output, self.root / ".Output.dossier-cache"):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                path.unlink()
        for sub in ("briefings", "actors", "places", "pages"):
            (content / sub).mkdir(parents=True, exist_ok=True)
        site_yml = self.root / "site.yml"
        if site_yml.exists():
            site_yml.unlink()

    def write(self, files):
        for relative, data in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def run_dossier(binary, site: Site, timeout, build: bool):
    args = [binary, "build", "--no-cache"] if build else [binary, "check"]
    start = time.monotonic()
    try:
        proc = subprocess.run(args, cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired as expired:
        return ("hang", None, b"", b"", time.monotonic() - start)
    return (None, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def judge(result, site: Site, build: bool):
    """Returns (kind, detail, signature) of the first problem, or None. Findings with one
    signature are the same bug: only the first few are narrowed down and saved."""
    kind, code, out, err, seconds = result
    if kind == "hang":
        return ("hang", "no exit within the timeout", "hang")
    if code < 0:
        name = signal.Signals(-code).name
        return ("crash", "killed by signal %s" % name, "crash:" + name)
    if code not in (0, 1, 2):
        return ("crash", "exit status %d" % code, "crash:exit-%d" % code)
    match = INTERNAL.search(err) or INTERNAL.search(out)
    if match:
        return ("internal", (err or out)[-400:].decode("utf-8", "replace"), "internal:" + match.group(0).decode())
    if b"rendering took longer than" in err:
        # Not a bug (the watchdog did its job), but a slow shape the pre-checks missed.
        return ("slow", "the watchdog stopped a page: " + err.decode("utf-8", "replace")[:200], "slow:watchdog")
    previous = b""
    for line in err.splitlines():
        if not line.strip() or DIAGNOSTIC.match(line) or any(p.match(line) for p in ALLOWED_STDERR):
            previous = line
            continue
        signature = "format:multi-line message" if DIAGNOSTIC.match(previous) or previous == b"" else "format:stray line"
        return ("format", line[:300].decode("utf-8", "replace"), signature)
    if build and code == 0:
        output = site.root / "Output"
        for path in output.rglob("*.html"):
            text = path.read_bytes()
            for index, pattern in enumerate(UNSAFE):
                match = pattern.search(text)
                if match:
                    detail = "%s: %s" % (path.relative_to(output), match.group(0)[:200].decode("utf-8", "replace"))
                    return ("unsafe", detail, "unsafe:%d" % index)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="path to the dossier executable")
    parser.add_argument("--seconds", type=float, default=60, help="how long to fuzz (default 60)")
    parser.add_argument("--batch", type=int, default=24, help="mutated files per run (default 24)")
    parser.add_argument("--timeout", type=float, default=40, help="seconds before a run counts as a hang (default 40)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--findings", default=None, help="folder for inputs that found something")
    args = parser.parse_args()
    # Stopped from outside (Ctrl-C, SIGTERM): still clean up and print the summary.
    def stop(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)

    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    findings = Path(args.findings or Path(tempfile.gettempdir()) / "dossier-fuzz-findings")
    findings.mkdir(parents=True, exist_ok=True)
    pool = list(SEEDS)
    sample = REPO / "Content" / "briefings"
    if sample.is_dir():
        pool += [p.read_bytes() for p in sorted(sample.rglob("*.md"))[:20]]
    work = Path(tempfile.mkdtemp(prefix="dossier-fuzz-"))
    site = Site(work)
    started = time.monotonic()
    deadline = started + args.seconds
    runs = inputs = 0
    found = {}
    signatures = {}
    slowest = (0.0, "")
    print("fuzzing %s for %.0f s (seed %d, batches of %d, work folder %s)" % (args.binary, args.seconds, seed, args.batch, work),
          flush=True)
    try:
        try:
            while time.monotonic() < deadline:
                files = {}
                for index in range(args.batch):
                    files["Content/briefings/f%03d.md" % index] = mutate(rng.choice(pool), rng, pool)
                files["Content/actors/daesh.md"] = mutate(ENTITY, rng, pool) if rng.random() < 0.3 else ENTITY
                files["Content/places/mosul.md"] = mutate(PLACE, rng, pool) if rng.random() < 0.3 else PLACE
                files["Content/pages/about.md"] = mutate(PAGE, rng, pool) if rng.random() < 0.2 else PAGE
                files["site.yml"] = mutate(SITE, rng, [SITE]) if rng.random() < 0.2 else SITE
                build = rng.random() < 0.5
                site.reset()
                site.write(files)
                result = run_dossier(args.binary, site, args.timeout, build)
                runs += 1
                inputs += len(files)
                if result[4] > slowest[0]:
                    slowest = (result[4], "run %d" % runs)
                problem = judge(result, site, build)
                if problem is None:
                    # Mutated inputs that load cleanly become seeds for later batches.
                    if result[1] == 0 and len(pool) < 400:
                        pool.append(files["Content/briefings/f000.md"])
                    continue
                signatures[problem[2]] = signatures.get(problem[2], 0) + 1
                if signatures[problem[2]] > 3:
                    continue
                # Narrow the problem down to one file: keep the defaults, add one mutated file at a time.
                culprit = None
                defaults = {"Content/actors/daesh.md": ENTITY, "Content/places/mosul.md": PLACE,
                            "Content/pages/about.md": PAGE, "site.yml": SITE}
                for relative, data in files.items():
                    trial = dict(defaults)
                    trial[relative] = data
                    if relative != "site.yml":
                        trial["site.yml"] = files["site.yml"]
                    site.reset()
                    site.write(trial)
                    again = judge(run_dossier(args.binary, site, args.timeout, build), site, build)
                    if again and again[2] == problem[2]:
                        culprit = (relative, data)
                        break
                name = "%s-%d-%d" % (problem[0], seed, runs)
                folder = findings / name
                folder.mkdir(parents=True, exist_ok=True)
                for relative, data in (dict([culprit]) if culprit else files).items():
                    (folder / relative.replace("/", "__")).write_bytes(data)
                if culprit and culprit[0] != "site.yml":
                    (folder / "site.yml").write_bytes(files["site.yml"])
                (folder / "README.txt").write_text("%s (%s, %s): %s\n" % (problem[0], problem[2], "build" if build else "check", problem[1]))
                found.setdefault(problem[0], []).append(str(folder))
                print("FOUND %s [%s]: %s -> %s" % (problem[0], problem[2], problem[1][:160], folder), flush=True)
        except KeyboardInterrupt:
            print("stopped early", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    print("ran %d batches (%d files) in %.0f s; slowest run %.2f s (%s)" % (runs, inputs, elapsed, slowest[0], slowest[1]))
    if found:
        for signature, count in sorted(signatures.items()):
            print("  %s: %d batch(es)" % (signature, count))
        for kind, folders in sorted(found.items()):
            print("  %s: %d saved, e.g. %s" % (kind, len(folders), folders[0]))
        print("findings in %s" % findings)
        return 1
    print("no crashes, hangs, internal errors, malformed diagnostics or unsafe output found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
