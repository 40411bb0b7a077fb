#!/usr/bin/env python3
"""Writes a big synthetic Dossier site for measuring the search index (docs/search.md).

    python3 Tests/browser/make_big_site.py [N=10000] [OUT=/tmp/big-site]

N briefings of about 1,000 words drawn from a Zipfian vocabulary of 60,000 words (about 540
distinct words per briefing, like real prose), 300 actors and places with aliases (some in
Arabic script), accented and Arabic names sprinkled through the text. Deterministic (seed 7).
"""
import itertools
import os
import random
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
OUT = sys.argv[2] if len(sys.argv) > 2 else "/tmp/big-site"
rng = random.Random(7)
FUNCTION = ("the of and to in a is that for it as was with be by on not he this are or his from at which but "
            "have an they you were her she there been one all we their has would more its if will so no what up "
            "out who them some into than other could only these two may then do first any my now such like our over "
            "also after new most made years where before should through much those between being under while back "
            "since during against both same another few each because government forces city security officials "
            "said province group fighters attack control local military people support").split()
SYL = ["ka","ra","vi","dar","mun","hes","tal","zan","qo","bar","sul","mir","nab","far","dun","gha","lis","ron",
       "kel","sab","tur","wan","yas","hal","jor","mak","nis","ous","per","qal","rim","shar","tam","urd","vas",
       "zor","bel","cha","dim","ef","gar","hur","in","ot","ent","ion","ate","ly","ment","ness","pro","con","re","de"]
seen = set(FUNCTION)
vocab = list(FUNCTION)
while len(vocab) < 60000:
    w = "".join(rng.choice(SYL) for _ in range(rng.choice([1,2,2,3,3,3,4,4,5])))
    if w not in seen:
        seen.add(w); vocab.append(w)
weights = [1.0 / (r + 1) ** 1.05 for r in range(len(vocab))]
cum = list(itertools.accumulate(weights))
ACCENTED = ["Ḥalab", "Tall ʿAfar", "Zürich", "São Tomé", "Ñuñoa", "Qāmishlī", "Dayr az-Zawr"]
ARABIC = ["الموصل", "بغداد", "الرقة", "حلب", "داعش", "كركوك", "أربيل"]
os.makedirs(OUT + "/Content/actors", exist_ok=True)
os.makedirs(OUT + "/Content/places", exist_ok=True)
os.makedirs(OUT + "/Content/briefings", exist_ok=True)
open(OUT + "/site.yml", "w").write("title: Big\nbase_url: /\nper_page: 50\n")
entities = []
for i in range(300):
    kind = "actors" if i % 2 else "places"
    name = " ".join(w.capitalize() for w in rng.sample(vocab[2000:20000], rng.choice([1, 2, 2, 3])))
    aliases = [name.split()[0].upper()[:4] + str(i)]
    if i % 5 == 0: aliases.append(rng.choice(ARABIC) + " " + str(i))
    eid = "e%03d" % i
    entities.append((kind, eid, name))
    with open("%s/Content/%s/%s.md" % (OUT, kind, eid), "w") as f:
        f.write('---\nname: "%s"\naliases: [%s]\nkind: %s\nsummary: "%s"\n---\n%s\n' % (
            name, ", ".join('"%s"' % a for a in aliases), "armed group" if kind == "actors" else "city",
            " ".join(rng.choices(vocab, cum_weights=cum, k=20)).capitalize() + ".",
            " ".join(rng.choices(vocab, cum_weights=cum, k=120)).capitalize() + "."))
for n in range(N):
    year = 2014 + n % 10
    date = "%d-%02d-%02d" % (year, 1 + (n // 10) % 12, 1 + (n // 120) % 28)
    title = " ".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(4, 9))).capitalize()
    summary = " ".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(25, 40))).capitalize() + "."
    ents = rng.sample(entities, rng.randint(2, 6))
    paras = []
    words = 0
    while words < 1000:
        sent = rng.choices(vocab, cum_weights=cum, k=rng.randint(12, 28))
        if rng.random() < 0.3: sent.insert(rng.randrange(len(sent)), rng.choice(ents)[2])
        if rng.random() < 0.05: sent.insert(rng.randrange(len(sent)), rng.choice(ACCENTED))
        if rng.random() < 0.03: sent.insert(rng.randrange(len(sent)), rng.choice(ARABIC))
        words += len(sent)
        paras.append(" ".join(sent).capitalize() + ".")
    body = "\n\n".join(" ".join(paras[i:i+5]) for i in range(0, len(paras), 5))
    sub = "%s/Content/briefings/%d" % (OUT, year)
    os.makedirs(sub, exist_ok=True)
    with open("%s/b%05d.md" % (sub, n), "w") as f:
        f.write('---\ntitle: "%s"\ndate: %s\nsummary: "%s"\ntags: [%s]\nactors: [%s]\nplaces: [%s]\n---\n%s\n' % (
            title, date, summary, ", ".join(rng.sample(["iraq", "syria", "security", "politics", "economy", "humanitarian", "militias", "energy"], 2)),
            ", ".join(e[1] for e in ents if e[0] == "actors"), ", ".join(e[1] for e in ents if e[0] == "places"), body))
print("wrote", N, "briefings to", OUT)
