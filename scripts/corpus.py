#!/usr/bin/env python3
"""Generate a realistic, deterministic Dossier site for benchmarks.

    python3 scripts/corpus.py --briefings 1000 --seed 1 --out /tmp/site [--hugo /tmp/site-hugo]

Writes into --out a complete site: site.yml, Content/briefings/YYYY/*.md (N briefings of about
1,000 words), Content/actors/*.md (200 actors), Content/places/*.md (300 places, country ->
province -> city), Content/pages/about.md, and corpus.json (what was generated, including how
many entity mentions were written into the briefing bodies).

With --hugo DIR, also writes the same briefings as a Hugo site (hugo.toml with the taxonomies
actors, places and tags; minimal templates comparable to Dossier's built-in theme;
content/briefings/*.md with the front matter Hugo understands; entity profiles as taxonomy term
pages).

The same seed always gives the same bytes (only random.Random(seed) is used, and nothing is
iterated in hash order). Only the standard library is needed.
"""

import argparse
import json
import os
import random
import shutil
import sys

# ---------------------------------------------------------------------------------------------
# Vocabulary

SYLLABLES = [
    # (latin, arabic)
    ("ka", "كا"), ("ra", "را"), ("vi", "في"), ("dar", "دار"), ("mun", "مون"), ("hes", "هس"),
    ("tal", "تل"), ("zan", "زان"), ("qo", "قو"), ("bar", "بار"), ("sul", "سول"), ("mir", "مير"),
    ("nab", "ناب"), ("far", "فار"), ("dun", "دون"), ("gha", "غا"), ("lis", "ليس"), ("ron", "رون"),
    ("kel", "كل"), ("sab", "صاب"), ("tur", "تور"), ("wan", "وان"), ("yas", "ياس"), ("hal", "حال"),
    ("jor", "جور"), ("mak", "ماك"), ("nis", "نيس"), ("ous", "وس"), ("per", "بير"), ("qal", "قال"),
    ("rim", "ريم"), ("shar", "شار"), ("tam", "تام"), ("urd", "ورد"), ("vas", "فاس"), ("zor", "زور"),
    ("bel", "بل"), ("cha", "شا"), ("dim", "ديم"), ("ef", "إف"), ("gar", "غار"), ("hur", "هور"),
]

TAGS = [
    "security", "politics", "elections", "humanitarian", "displacement", "economy", "energy", "oil",
    "water", "governance", "reconstruction", "border", "diplomacy", "sanctions", "militias",
    "counter-terrorism", "insurgency", "detention", "justice", "protests", "tribes", "religion",
    "minorities", "media", "cyber", "smuggling", "finance", "health", "education", "agriculture",
    "migration", "ceasefire", "negotiations", "air-campaign", "logistics", "intelligence",
    "foreign-fighters", "returns", "demining", "outlook",
]

FIRST_NAMES = ["Hadi", "Samir", "Karim", "Nadia", "Layla", "Omar", "Yusuf", "Rania", "Tariq", "Faisal",
               "Hassan", "Mariam", "Zaid", "Salma", "Adel", "Huda", "Jamal", "Noor", "Bilal", "Dalia",
               "Rashid", "Samira", "Walid", "Amal", "Khalil", "Lina", "Majid", "Reem", "Saif", "Yara"]

SUBJECTS = ["the desk", "local officials", "several observers", "the provincial council", "aid agencies",
            "tribal leaders", "the interior ministry", "residents", "displaced families", "analysts",
            "the coalition", "border guards", "security sources", "the central bank", "donors",
            "the electoral commission", "mediators", "the governor", "humanitarian partners", "the press"]
VERBS = ["reported", "described", "questioned", "anticipated", "disputed", "confirmed", "tracked",
         "downplayed", "welcomed", "criticised", "documented", "negotiated", "postponed", "monitored",
         "expected", "contested", "announced", "denied", "estimated", "assessed"]
OBJECTS = ["a sharp rise in checkpoint incidents", "the reopening of the main highway",
           "renewed pressure on the salary budget", "a quiet shift in local alliances",
           "the return of several thousand families", "a new round of arrests",
           "the slow pace of reconstruction", "a dispute over the water quota",
           "fresh clashes along the river", "the collapse of a local ceasefire",
           "an unusual lull in attacks", "the transfer of detainees", "a surge in smuggling",
           "delays in the payment of salaries", "a realignment of tribal loyalties",
           "the redeployment of reserve units", "new restrictions on movement",
           "the renewal of the grain contract", "rising fuel prices", "talks on a prisoner exchange"]
ADVERBIALS = ["over the past month", "since the spring", "in the northern districts", "after the holiday",
              "despite repeated warnings", "for the first time this year", "with little public comment",
              "in the days before the vote", "along the main supply route", "during the harvest",
              "without a formal announcement", "according to two independent sources",
              "as the budget talks stalled", "at the start of the quarter", "in the camps near the border"]
CLAUSES = ["which suggests the situation is less stable than official statements imply",
           "although the evidence so far is thin", "a pattern the desk has seen before",
           "and the consequences will take months to become clear",
           "while the underlying grievances remain unaddressed",
           "but few expect the change to last", "which complicates any settlement",
           "a point that local media have largely ignored"]
ACTOR_VERBS = ["moved fighters toward", "opened talks with officials in", "withdrew from", "took control of",
               "announced new positions around", "stepped up attacks near", "sought funding in",
               "recruited heavily in", "lost ground around", "set up checkpoints outside"]
ACTOR_ACTOR = ["accused", "met envoys from", "clashed with", "signed a local truce with", "broke with",
               "sought support from", "competed for influence with", "traded prisoners with"]
NOUNS = ["leadership", "supply lines", "funding", "credibility", "strategy", "position", "message",
         "recruitment", "hold on the area", "relations with the capital"]
HEADINGS = ["Background", "What happened", "Why it matters", "Key judgements", "What to watch",
            "Humanitarian picture", "Political context", "Security picture", "Economic effects",
            "Regional angle", "Outlook", "Indicators", "Gaps in what we know", "Scenarios"]
TITLE_PATTERNS = ["{a} and the struggle for {p}", "What {a} wants in {p}", "{p}: a fragile calm",
                  "{a} after the {n} crisis", "The {n} question in {p}", "Reading {a}’s next move",
                  "{p} between {a} and its rivals", "Why {p} matters again"]
TITLE_NOUNS = ["budget", "water", "border", "succession", "detention", "election", "fuel", "ceasefire"]

WORDS_PER_BRIEFING = 1000


class Rng(random.Random):
    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def chance(self, p):
        return self.random() < p


def yaml_str(text):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def yaml_list(items):
    return "[" + ", ".join(yaml_str(i) for i in items) + "]"


def wrap(text, width=96):
    """Fast greedy line wrap (textwrap is too slow for 80 MB)."""
    words = text.split(" ")
    lines = []
    line = []
    length = 0
    for word in words:
        if length and length + 1 + len(word) > width:
            lines.append(" ".join(line))
            line = [word]
            length = len(word)
        else:
            line.append(word)
            length += len(word) + (1 if length else 0)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Entities

class Entity:
    def __init__(self, kind, eid, name, category):
        self.kind = kind          # "actor" | "place"
        self.id = eid
        self.name = name
        self.category = category
        self.aliases = []
        self.parents = []
        self.arabic = None
        self.case_insensitive = False
        self.coordinates = None

    def surfaces(self):
        return [self.name] + self.aliases

    @property
    def folder(self):
        return "actors" if self.kind == "actor" else "places"


class Names:
    """Makes unique pseudo-names (never English words) from syllables."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()  # membership only, never iterated

    def stem(self, lo=2, hi=3):
        while True:
            parts = [self.rng.pick(SYLLABLES) for _ in range(self.rng.randint(lo, hi))]
            latin = "".join(p[0] for p in parts)
            if latin in self.used or len(latin) < 4:
                continue
            self.used.add(latin)
            return latin.capitalize(), "".join(p[1] for p in parts)

    def claim(self, surface):
        key = surface.lower()
        if key in self.used:
            return False
        self.used.add(key)
        return True


def acronym(words):
    letters = "".join(w[0] for w in words if w[:1].isalpha() and w[0].isupper())
    return letters if len(letters) >= 2 else None


def make_entities(rng):
    names = Names(rng)
    actors = []
    places = []

    def add_aliases(entity, candidates, count):
        for candidate in candidates:
            if len(entity.aliases) >= count:
                break
            if candidate and names.claim(candidate):
                entity.aliases.append(candidate)

    # Places: 12 countries -> 60 provinces -> 228 cities.
    for i in range(12):
        stem, arabic = names.stem()
        name = stem + rng.pick(["stan", "ia", "land", "ara"])
        names.claim(name)
        e = Entity("place", "c-" + name.lower(), name, "country")
        e.arabic = arabic
        want = rng.randint(1, 5)
        add_aliases(e, ["Republic of " + name, name + " Republic", "the " + stem + " state",
                        "R" + name[0] + "C", arabic if rng.chance(0.5) else None, name + "i lands"], want)
        e.coordinates = (round(rng.uniform(20, 40), 2), round(rng.uniform(30, 55), 2))
        places.append(e)
    countries = list(places)
    provinces = []
    for i in range(60):
        stem, arabic = names.stem()
        country = countries[i % len(countries)]
        e = Entity("place", "p-" + stem.lower(), stem + " Province", "province")
        names.claim(e.name)
        e.parents = [country.id]
        want = rng.randint(1, 5)
        add_aliases(e, [stem + " Governorate", stem, "Wilayat " + stem, arabic if rng.chance(0.15) else None,
                        "the " + stem + " region", stem + " district"], want)
        e.coordinates = (round(country.coordinates[0] + rng.uniform(-2, 2), 2),
                         round(country.coordinates[1] + rng.uniform(-2, 2), 2))
        places.append(e)
        provinces.append(e)
    for i in range(228):
        stem, arabic = names.stem()
        province = provinces[rng.randint(0, len(provinces) - 1)]
        prefix = rng.pick(["", "", "", "Tal ", "Ain ", "Jisr ", "Deir ", "Ras "])
        name = prefix + stem
        if not names.claim(name):
            name = stem
            names.claim(name)
        e = Entity("place", "t-" + stem.lower(), name, rng.pick(["city", "city", "town", "town", "district"]))
        e.parents = [province.id]
        want = rng.randint(1, 5)
        add_aliases(e, ["al-" + stem, stem + "iya", "Old " + stem, "New " + stem,
                        arabic if rng.chance(0.08) else None, stem.upper()[:3] + " camp", "Greater " + stem], want)
        e.coordinates = (round(province.coordinates[0] + rng.uniform(-1, 1), 2),
                         round(province.coordinates[1] + rng.uniform(-1, 1), 2))
        places.append(e)

    # Actors: 25 groups -> 75 sub-groups -> 100 people and cells.
    groups = []
    for i in range(25):
        stem, arabic = names.stem()
        pattern, category = rng.pick([("{} Front", "armed group"), ("Army of {}", "armed group"),
                                      ("{} Movement", "political movement"), ("Popular {} Units", "militia"),
                                      ("{} Council", "government body"), ("Shi'a {} Brigades", "militia"),
                                      ("{} Party", "political party")])
        name = pattern.format(stem)
        names.claim(name)
        e = Entity("actor", "g-" + stem.lower(), name, category)
        e.arabic = arabic
        want = rng.randint(1, 5)
        add_aliases(e, [acronym(name.split()), stem + " fighters", "the " + stem + "is", arabic if rng.chance(0.4) else None,
                        stem + " Organisation", "Jaysh al-" + stem], want)
        e.case_insensitive = rng.chance(0.08)
        actors.append(e)
        groups.append(e)
    subgroups = []
    for i in range(75):
        stem, arabic = names.stem()
        parent = groups[i % len(groups)]
        name = rng.pick(["{} Brigade", "{} Battalion", "Kata’ib {}", "{} Youth", "{} Bloc"]).format(stem)
        if not names.claim(name):
            continue
        e = Entity("actor", "s-" + stem.lower(), name, rng.pick(["armed group", "militia", "political faction"]))
        e.parents = [parent.id]
        if rng.chance(0.1):
            other = groups[rng.randint(0, len(groups) - 1)]
            if other.id != parent.id:
                e.parents.append(other.id)
        want = rng.randint(1, 5)
        add_aliases(e, [stem + " Group", acronym(name.split()), "Liwa " + stem, arabic if rng.chance(0.1) else None,
                        "the " + stem + " unit", stem + " Network"], want)
        actors.append(e)
        subgroups.append(e)
    while len(actors) < 200:
        if rng.chance(0.7):
            first = rng.pick(FIRST_NAMES)
            stem, arabic = names.stem()
            last = "al-" + stem
            name = first + " " + last
            if not names.claim(name):
                continue
            e = Entity("actor", "x-" + first.lower() + "-" + stem.lower(), name, "person")
            want = rng.randint(1, 5)
            add_aliases(e, ["Abu " + stem, stem, first[0] + ". " + last, "Sheikh " + first + " " + stem,
                            arabic if rng.chance(0.05) else None, "Commander " + stem], want)
        else:
            stem, arabic = names.stem()
            name = stem + " Tribe"
            if not names.claim(name):
                continue
            e = Entity("actor", "x-" + stem.lower(), name, "tribe")
            want = rng.randint(1, 5)
            add_aliases(e, ["Al " + stem, "Banu " + stem, stem + " clans", stem + " elders", "the " + stem + " confederation"],
                        want)
        if rng.chance(0.6):
            parent = rng.pick(subgroups if rng.chance(0.6) else groups)
            e.parents = [parent.id]
        actors.append(e)

    for e in actors + places:
        if not e.aliases:  # every entity has 1-5 aliases
            stem = e.name.split(" ")[-1]
            for candidate in [stem + " (" + e.category + ")", e.name + " network", "the " + e.name]:
                if names.claim(candidate):
                    e.aliases.append(candidate)
                    break
    return actors, places


# ---------------------------------------------------------------------------------------------
# Prose

class Writer:
    def __init__(self, rng, entities):
        self.rng = rng
        self.entities = entities
        self.mentions = 0

    def surface(self, e, possessive_ok=True):
        """A name or alias as written in prose: curly apostrophes, sometimes a possessive."""
        rng = self.rng
        text = e.name if rng.chance(0.5) or not e.aliases else rng.pick(e.aliases)
        text = text.replace("'", "\u2019")
        if e.case_insensitive and rng.chance(0.3):
            text = text.lower()
        self.mentions += 1
        if possessive_ok and rng.chance(0.1) and not text.endswith("s"):
            return text + "\u2019s"
        return text

    def filler(self):
        rng = self.rng
        s = rng.pick(SUBJECTS) + " " + rng.pick(VERBS) + " " + rng.pick(OBJECTS) + " " + rng.pick(ADVERBIALS)
        if rng.chance(0.35):
            s += ", " + rng.pick(CLAUSES)
        if rng.chance(0.1):
            s = s.replace(" a ", " *a* ", 1) if " a " in s else s
        return s[0].upper() + s[1:] + "."

    def mention_sentence(self, actors, places):
        rng = self.rng
        r = rng.random()
        if r < 0.35 and actors and places:
            s = self.surface(rng.pick(actors), False) + " " + rng.pick(ACTOR_VERBS) + " " + \
                self.surface(rng.pick(places), False) + " " + rng.pick(ADVERBIALS)
        elif r < 0.55 and len(actors) > 1:
            a, b = rng.sample(actors, 2)
            s = self.surface(a, False) + " " + rng.pick(ACTOR_ACTOR) + " " + self.surface(b, False) + " " + \
                rng.pick(ADVERBIALS)
        elif r < 0.75 and actors:
            s = self.surface(rng.pick(actors), True)
            if s.endswith("\u2019s"):
                s += " " + rng.pick(NOUNS) + " came under strain " + rng.pick(ADVERBIALS)
            else:
                s += " " + rng.pick(VERBS) + " " + rng.pick(OBJECTS)
            if rng.chance(0.4):
                s += ", " + rng.pick(CLAUSES)
        elif places:
            p = rng.pick(places)
            s = "In " + self.surface(p, False) + ", " + rng.pick(SUBJECTS) + " " + rng.pick(VERBS) + " " + \
                rng.pick(OBJECTS)
            if p.arabic and rng.chance(0.2):
                s += " (known locally as " + p.arabic + ")"
        else:
            return self.filler()
        if rng.chance(0.15):
            s = "**" + s + "**" if rng.chance(0.3) else s.replace(" after ", " _after_ ", 1)
        return s[0].upper() + s[1:] + "."

    def paragraph(self, actors, places, sentences):
        rng = self.rng
        parts = []
        for _ in range(sentences):
            parts.append(self.mention_sentence(actors, places) if rng.chance(0.45) else self.filler())
        if rng.chance(0.15):
            parts.append("See the [field report](https://example.org/reports/%d) for details." % rng.randint(1, 99999))
        return wrap(" ".join(parts))


def word_count(text):
    return text.count(" ") + text.count("\n") + 1


def briefing_body(rng, writer, actors, places, extras, wiki):
    """About 1,000 words: intro, ## sections with paragraphs, lists, maybe a table and footnotes."""
    mention_actors = actors + [e for e in extras if e.kind == "actor"]
    mention_places = places + [e for e in extras if e.kind == "place"]
    blocks = []
    words = 0
    intro = writer.paragraph(mention_actors, mention_places, rng.randint(3, 5))
    if wiki:
        target, label = wiki
        intro += " See also [[%s]]." % target if label is None else " See also [[%s|%s]]." % (target, label)
    blocks.append(intro)
    words += word_count(intro)
    footnotes = []
    want_table = rng.chance(0.3)
    want_notes = rng.chance(0.3)
    headings = rng.sample(HEADINGS, 6)
    section = 0
    while words < WORDS_PER_BRIEFING - 60:
        heading = headings[section % len(headings)]
        if section >= len(headings):
            heading += " (%d)" % (section // len(headings) + 1)
        if rng.chance(0.15) and mention_places:
            heading += " in " + rng.pick(mention_places).name
        blocks.append("## " + heading)
        section += 1
        for _ in range(rng.randint(1, 2)):
            p = writer.paragraph(mention_actors, mention_places, rng.randint(3, 6))
            if want_notes and rng.chance(0.3):
                n = len(footnotes) + 1
                p += "[^%d]" % n
                footnotes.append("[^%d]: %s" % (n, writer.filler()))
            blocks.append(p)
            words += word_count(p)
        if rng.chance(0.4):
            items = []
            for _ in range(rng.randint(3, 5)):
                item = writer.mention_sentence(mention_actors, mention_places) if rng.chance(0.5) else writer.filler()
                items.append("- " + wrap(item, 92).replace("\n", "\n  "))
            block = "\n".join(items)
            blocks.append(block)
            words += word_count(block)
        if want_table and section == 2:
            rows = ["| Indicator | Trend | Confidence |", "| --- | --- | --- |"]
            for _ in range(rng.randint(3, 6)):
                who = writer.surface(rng.pick(mention_actors), False) if mention_actors else "Officials"
                rows.append("| %s activity near %s | %s | %s |" % (
                    who, rng.pick(mention_places).name if mention_places else "the border",
                    rng.pick(["rising", "falling", "stable", "unclear"]), rng.pick(["low", "moderate", "high"])))
            block = "\n".join(rows)
            blocks.append(block)
            words += word_count(block)
    if footnotes:
        blocks.append("\n".join(wrap(f) for f in footnotes))
    return "\n\n".join(blocks) + "\n"


def profile_body(rng, writer, entity, related):
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        paragraphs.append(writer.paragraph([e for e in related if e.kind == "actor"] or [entity],
                                           [e for e in related if e.kind == "place"], rng.randint(2, 4)))
    return "\n\n".join(paragraphs) + "\n"


def random_date(rng, year_lo, year_hi):
    y = rng.randint(year_lo, year_hi)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return y, m, d


def reference(rng, e):
    """A front-matter entry: by id, name or alias."""
    r = rng.random()
    if r < 0.6:
        return e.id
    if r < 0.85 or not e.aliases:
        return e.name
    return rng.pick(e.aliases)


# ---------------------------------------------------------------------------------------------
# Writing

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def entity_file(e, body):
    lines = ["---", "name: " + yaml_str(e.name), "aliases: " + yaml_list(e.aliases),
             "kind: " + yaml_str(e.category)]
    if e.kind == "actor":
        lines.append("part_of: " + yaml_list(e.parents))
    else:
        if e.parents:
            lines.append("within: " + e.parents[0])
        lines.append("coordinates: [%s, %s]" % e.coordinates)
    if e.case_insensitive:
        lines.append("case_sensitive: false")
    lines.append("summary: " + yaml_str("%s %s in the generated benchmark corpus." % (e.category.capitalize(), e.name)))
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def generate(n, seed, out, hugo):
    rng = Rng(seed)
    actors, places = make_entities(rng)
    entities = actors + places
    writer = Writer(rng, entities)

    if os.path.exists(os.path.join(out, "Content")):
        shutil.rmtree(os.path.join(out, "Content"))
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "site.yml"),
          "title: Bench Monitor\nbase_url: https://bench.example.org/\n"
          "description: Generated briefings for Dossier's benchmarks\nlanguage: en\n"
          "author: Benchmark desk\nlinking: first\nper_page: 20\nraw_html: false\n")

    by_id = {e.id: e for e in entities}
    children = {}
    for e in entities:
        for p in e.parents:
            children.setdefault(p, []).append(e)
    profiles = {}
    for e in entities:
        related = [by_id[p] for p in e.parents] + children.get(e.id, [])[:4]
        related += [rng.pick(places), rng.pick(actors)]
        body = profile_body(rng, writer, e, related)
        profiles[e.id] = body
        write(os.path.join(out, "Content", e.folder, e.id + ".md"), entity_file(e, body))
    writer.mentions = 0  # count mentions in briefing bodies only

    about = "---\ntitle: About\nsummary: What this generated site is.\n---\nA generated site for [[%s]] and friends.\n" % \
        actors[0].id
    write(os.path.join(out, "Content", "pages", "about.md"), about)

    if hugo:
        if os.path.exists(os.path.join(hugo, "content")):
            shutil.rmtree(os.path.join(hugo, "content"))
        write_hugo_skeleton(hugo)
        write(os.path.join(hugo, "content", "about.md"),
              "---\ntitle: About\nsummary: What this generated site is.\n---\nA generated site for [%s](/actors/%s/) and friends.\n"
              % (actors[0].name, actors[0].id))
        for e in entities:
            write(os.path.join(hugo, "content", e.folder, e.id, "_index.md"),
                  "---\ntitle: %s\nsummary: %s\n---\n%s" % (yaml_str(e.name), yaml_str(e.category), profiles[e.id]))

    total_words = 0
    total_bytes = 0
    width = max(5, len(str(n)))
    for i in range(n):
        y, m, d = random_date(rng, 2012, 2020)
        b_actors = rng.sample(actors, rng.randint(2, 6))
        b_places = rng.sample(places, rng.randint(1, 4))
        # Briefings also name entities they do not list, as real ones do: family and strangers.
        extras = []
        for e in b_actors + b_places:
            extras += [by_id[p] for p in e.parents if rng.chance(0.5)]
        extras += rng.sample(entities, rng.randint(1, 4))
        wiki = None
        if rng.chance(0.2):
            target = rng.pick(b_actors + b_places)
            wiki = (target.id, None) if rng.chance(0.5) else (target.id, target.name.replace("'", "\u2019"))
        title_pattern = rng.pick(TITLE_PATTERNS)
        title = title_pattern.format(a=b_actors[0].name, p=b_places[0].name, n=rng.pick(TITLE_NOUNS))
        tags = rng.sample(TAGS, rng.randint(2, 4))
        summary = writer.filler()
        body = briefing_body(rng, writer, b_actors, b_places, extras, wiki)
        slug = "b%0*d-%s" % (width, i, b_places[0].id)
        date = "%04d-%02d-%02d" % (y, m, d)

        events = []
        for _ in range(rng.randint(0, 4)):
            ey, em, ed = random_date(rng, max(2010, y - 2), y)
            precision = rng.random()
            edate = "%04d" % ey if precision < 0.15 else ("%04d-%02d" % (ey, em) if precision < 0.4 else
                                                             "%04d-%02d-%02d" % (ey, em, ed))
            ea = rng.sample(b_actors, rng.randint(1, min(2, len(b_actors))))
            ep = rng.sample(b_places, 1)
            events.append((edate, "%s %s %s" % (ea[0].name, rng.pick(ACTOR_VERBS), ep[0].name), ea, ep))
        sources = []
        for k in range(rng.randint(1, 3)):
            sy, sm, sd = random_date(rng, max(2010, y - 1), y)
            if (sy, sm, sd) > (y, m, d):
                sy, sm, sd = y, m, d
            sources.append(("%s on %s" % (rng.pick(["Field notes", "Agency update", "Council statement",
                                                     "Press summary", "Monitoring report"]), b_places[0].name),
                            "https://example.org/sources/%d/%d" % (i, k), "%04d-%02d-%02d" % (sy, sm, sd)))

        fm = ["---", "title: " + yaml_str(title), "date: " + date, "summary: " + yaml_str(summary),
              "tags: " + yaml_list(tags),
              "actors: " + yaml_list([reference(rng, e) for e in b_actors]),
              "places: " + yaml_list([reference(rng, e) for e in b_places])]
        if events:
            fm.append("events:")
            for edate, etitle, ea, ep in events:
                fm += ["  - date: " + edate, "    title: " + yaml_str(etitle),
                       "    actors: " + yaml_list([e.id for e in ea]), "    places: " + yaml_list([e.id for e in ep])]
        fm.append("sources:")
        for stitle, surl, sdate in sources:
            fm += ["  - title: " + yaml_str(stitle), "    url: " + surl, "    date: " + sdate]
        fm.append("---")
        text = "\n".join(fm) + "\n" + body
        write(os.path.join(out, "Content", "briefings", "%04d" % y, date + "-" + slug + ".md"), text)
        total_words += word_count(body)
        total_bytes += len(body.encode("utf-8"))

        if hugo:
            hbody = body
            if wiki:
                target = by_id[wiki[0]]
                label = wiki[1] or target.name
                written = "[[%s]]" % wiki[0] if wiki[1] is None else "[[%s|%s]]" % wiki
                hbody = hbody.replace(written, "[%s](/%s/%s/)" % (label, target.folder, target.id))
            hfm = ["---", "title: " + yaml_str(title), "date: " + date, "slug: " + slug,
                   "summary: " + yaml_str(summary), "tags: " + yaml_list(tags),
                   "actors: " + yaml_list([e.id for e in b_actors]),
                   "places: " + yaml_list([e.id for e in b_places]), "---"]
            write(os.path.join(hugo, "content", "briefings", date + "-" + slug + ".md"), "\n".join(hfm) + "\n" + hbody)

    manifest = {
        "briefings": n, "seed": seed, "actors": len(actors), "places": len(places),
        "aliases": sum(len(e.aliases) for e in entities),
        "arabic_aliases": sum(1 for e in entities for a in e.aliases if any("\u0600" <= ch <= "\u06ff" for ch in a)),
        "tags": len(TAGS), "body_words": total_words, "body_bytes": total_bytes,
        "mentions_written": writer.mentions,
    }
    write(os.path.join(out, "corpus.json"), json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


# ---------------------------------------------------------------------------------------------
# Hugo

HUGO_CONFIG = """baseURL = "https://bench.example.org/"
languageCode = "en"
title = "Bench Monitor"
paginate = 20
disableKinds = []

[taxonomies]
  actor = "actors"
  place = "places"
  tag = "tags"

[markup.goldmark.renderer]
  unsafe = false
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ .Site.Title }}{{ end }}">
<meta name="generator" content="Hugo">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
<link rel="stylesheet" href="/style.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a class="site-title" href="/">{{ .Site.Title }}</a>
<nav aria-label="Main"><ul>
<li><a href="/briefings/">Briefings</a></li><li><a href="/actors/">Actors</a></li>
<li><a href="/places/">Places</a></li><li><a href="/tags/">Tags</a></li>
</ul></nav></header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><p>{{ .Site.Title }} · <a href="/index.xml">Feed</a> · <a href="/about/">About</a></p></footer>
</body>
</html>
"""

HUGO_ITEM = """<article class="briefing-item">
  <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
  {{ with .Params.summary }}<p>{{ . }}</p>{{ end }}
  {{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
</article>
"""

HUGO_SINGLE = """{{ define "main" }}
<article class="briefing">
  <header>
    <h1>{{ .Title }}</h1>
    {{ with .Params.summary }}<p class="lede">{{ . }}</p>{{ end }}
    <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time> · {{ .ReadingTime }} min read</p>
    {{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
  </header>
  <div class="body">
{{ .Content }}
  </div>
  <aside>
    {{ with .GetTerms "actors" }}<section><h2>Actors</h2><ul class="chips">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></section>{{ end }}
    {{ with .GetTerms "places" }}<section><h2>Places</h2><ul class="chips">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></section>{{ end }}
  </aside>
</article>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<div class="listing">
  <h1>{{ .Title }}</h1>
  {{ .Content }}
  {{ $paginator := .Paginate .Pages }}
  {{ range $paginator.Pages }}{{ partial "item.html" . }}{{ end }}
  <nav class="pagination">
    {{ if $paginator.HasPrev }}<a rel="prev" href="{{ $paginator.Prev.URL }}">Newer</a>{{ end }}
    <span>Page {{ $paginator.PageNumber }} of {{ $paginator.TotalPages }}</span>
    {{ if $paginator.HasNext }}<a rel="next" href="{{ $paginator.Next.URL }}">Older</a>{{ end }}
  </nav>
</div>
{{ end }}
"""

HUGO_HOME = """{{ define "main" }}
<div class="home">
  <h1>{{ .Site.Title }}</h1>
  <section class="latest"><h2>Latest briefings</h2>
  {{ range first 10 (where .Site.RegularPages "Section" "briefings") }}{{ partial "item.html" . }}{{ end }}
  <p><a href="/briefings/">All briefings</a></p></section>
</div>
{{ end }}
"""

HUGO_TAXONOMY = """{{ define "main" }}
<div class="entity-index">
  <h1>{{ .Title }}</h1>
  <ul class="entity-grid">
  {{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count">{{ .Count }}</span></li>
  {{ end }}
  </ul>
</div>
{{ end }}
"""

HUGO_TERM = """{{ define "main" }}
<article class="entity">
  <h1>{{ .Title }}</h1>
  {{ with .Content }}<div class="body profile">{{ . }}</div>{{ end }}
  <section><h2>Briefings ({{ len .Pages }})</h2>
  {{ range .Pages }}{{ partial "item.html" . }}{{ end }}
  </section>
</article>
{{ end }}
"""


def write_hugo_skeleton(hugo):
    write(os.path.join(hugo, "hugo.toml"), HUGO_CONFIG)
    layouts = os.path.join(hugo, "layouts")
    write(os.path.join(layouts, "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(layouts, "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(layouts, "_default", "list.html"), HUGO_LIST)
    write(os.path.join(layouts, "index.html"), HUGO_HOME)
    write(os.path.join(layouts, "_default", "taxonomy.html"), HUGO_TAXONOMY)
    write(os.path.join(layouts, "_default", "term.html"), HUGO_TERM)
    write(os.path.join(layouts, "partials", "item.html"), HUGO_ITEM)
    write(os.path.join(hugo, "static", "style.css"), "body { font-family: system-ui, sans-serif; max-width: 60rem; margin: auto; }\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefings", type=int, required=True, help="number of briefings")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="folder for the Dossier site")
    parser.add_argument("--hugo", help="also write the same briefings as a Hugo site here")
    args = parser.parse_args()
    if args.briefings < 1:
        parser.error("--briefings must be at least 1")
    manifest = generate(args.briefings, args.seed, args.out, args.hugo)
    print(json.dumps(manifest, sort_keys=True), file=sys.stderr)


if __name__ == "__main__":
    main()
