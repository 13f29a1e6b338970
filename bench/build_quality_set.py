"""Build a matching-quality benchmark file from the public data in the project.

    python bench/build_quality_set.py --out var/quality.json
    python manage.py evaluate_matcher var/quality.json

Suppliers and requests are generated around real HS 2022 headings, using the
HS titles, the ISIC Rev. 4 titles and the HS→ISIC concordance in
``companies/data``. What makes it hard, as in real profiles:

- suppliers describe products in their own words: half the title words dropped,
  one in five misspelt, company boilerplate added; a quarter write no product
  words at all and give only codes; some give ISIC activities and no HS codes;
- requests ask by HS heading, by ISIC class (so only the concordance links them
  to suppliers who named products), or by words alone, with typos;
- a third require a certification, a third want certain countries, a third a
  monthly volume.

Judgements: a supplier making a product under the requested heading (or, for an
ISIC request, a product the concordance maps to that class) is 2 when it meets
every constraint and 1 when it fails one (a near-miss); everyone else is 0.
"""

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "companies" / "data"
COUNTRIES = "VN TH MY ID PH KH BD IN PK LK CN".split()
SUBREGIONS = {
    "south-eastern-asia": ["VN", "TH", "MY", "ID", "PH", "KH"],
    "southern-asia": ["BD", "IN", "PK", "LK"],
    "eastern-asia": ["CN"],
}
CERTS = ["ISO 9001", "ISO 14001", "OEKO-TEX", "GOTS", "HACCP", "ISO 13485", "BSCI", "FSC"]
FLUFF = (
    "we are a leading manufacturer and exporter with many years of experience serving "
    "international customers with quality products competitive prices and on time delivery "
    "our factory is equipped with modern machines and a skilled workforce contact us today"
).split()
STOP = set("and or of the for other than not with nes n e c their thereof parts".split())


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in STOP]


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return rng.choice(
        [
            word[:i] + word[i + 1 :],
            word[:i] + word[i] + word[i:],
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        ]
    )


def noisy(rng: random.Random, pool: list[str], keep: float, typo_rate: float) -> list[str]:
    kept = [w for w in pool if rng.random() < keep] or pool[:1]
    return [typo(rng, w) if rng.random() < typo_rate else w for w in kept]


def load():
    titles, hs6_by_heading = {}, defaultdict(list)
    with (DATA / "hs2022.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["hscode"]
            if code.isdigit():
                titles[code] = row["description"]
                if len(code) == 6:
                    hs6_by_heading[code[:4]].append(code)
    isic_titles = {}
    with (DATA / "isic4.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            isic_titles[row["code"]] = row["desc"]
    hs_to_isic = defaultdict(list)
    with (DATA / "hs6-isic4.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["isic4"] and row["hs6"] in titles:
                hs_to_isic[row["hs6"]].append(row["isic4"])
    return titles, hs6_by_heading, isic_titles, hs_to_isic


def build(n_suppliers: int, n_requests: int, seed: int) -> dict:
    rng = random.Random(seed)
    titles, hs6_by_heading, isic_titles, hs_to_isic = load()
    headings = sorted(
        h
        for h, subs in hs6_by_heading.items()
        if 2 <= len(subs) <= 8 and all(hs_to_isic[s] for s in subs)
    )
    headings = rng.sample(headings, k=min(60, len(headings)))
    suppliers, makes = [], {}
    for n in range(n_suppliers):
        heading = rng.choice(headings)
        product = rng.choice(hs6_by_heading[heading])
        pool = words(titles[product]) + words(titles[heading])
        style = rng.random()
        if style < 0.25:
            text = rng.sample(FLUFF, k=12)  # no product words: only its codes can find it
        else:
            text = noisy(rng, pool, keep=0.5, typo_rate=0.2) + rng.sample(
                FLUFF, k=rng.randint(3, 10)
            )
            rng.shuffle(text)
        isic = hs_to_isic[product][:1]
        code_style = rng.random()
        hs_codes = [product] if code_style < 0.55 else [heading] if code_style < 0.75 else []
        isic_codes = isic if (code_style >= 0.75 or rng.random() < 0.3) else []
        sid = f"s{n}"
        makes[sid] = product
        suppliers.append(
            {
                "id": sid,
                "name": f"Supplier {n}",
                "description": " ".join(text),
                "country": rng.choice(COUNTRIES),
                "hs_codes": hs_codes,
                "isic_codes": isic_codes,
                "certifications": rng.sample(CERTS, k=rng.choice([0, 1, 1, 2, 3])),
                "capacity": rng.choice([1000, 5000, 20000, 50000]),
            }
        )
    requests, qrels = [], {}
    by_id = {s["id"]: s for s in suppliers}
    for n in range(n_requests):
        heading = rng.choice(headings)
        products = set(hs6_by_heading[heading])
        kind = rng.random()
        req = {"id": f"r{n}", "hs_codes": [], "isic_codes": []}
        if kind < 0.4:
            req["hs_codes"] = [heading]
            req["title"] = " ".join(noisy(rng, words(titles[heading]), keep=0.6, typo_rate=0.2))
            wanted = lambda sid, products=products: makes[sid] in products  # noqa: E731
        elif kind < 0.7:
            isic = rng.choice(hs_to_isic[rng.choice(sorted(products))])
            req["isic_codes"] = [isic]
            req["title"] = " ".join(
                noisy(rng, words(isic_titles.get(isic, "")), keep=0.7, typo_rate=0.1)
            )
            wanted = lambda sid, isic=isic: isic in hs_to_isic[makes[sid]]  # noqa: E731
        else:
            req["title"] = " ".join(noisy(rng, words(titles[heading]), keep=0.6, typo_rate=0.25))
            wanted = lambda sid, products=products: makes[sid] in products  # noqa: E731
        req["description"] = "Looking for a reliable supplier for regular monthly orders."
        if rng.random() < 0.33:
            req["required_certifications"] = [rng.choice(CERTS[:5])]
        if rng.random() < 0.33:
            req["countries"] = SUBREGIONS[rng.choice(sorted(SUBREGIONS))]
        if rng.random() < 0.33:
            req["volume"] = rng.choice([2000, 10000, 30000])
        grades = {}
        for sid in makes:
            if not wanted(sid):
                continue
            s = by_id[sid]
            meets = (
                all(c in s["certifications"] for c in req.get("required_certifications", []))
                and (not req.get("countries") or s["country"] in req["countries"])
                and (not req.get("volume") or s["capacity"] >= req["volume"])
            )
            grades[sid] = 2 if meets else 1
        if grades:
            requests.append(req)
            qrels[req["id"]] = grades
    return {"suppliers": suppliers, "requests": requests, "qrels": qrels}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", default="var/quality.json")
    args = parser.parse_args()
    data = build(args.suppliers, args.requests, args.seed)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {out}: {len(data['suppliers'])} suppliers, {len(data['requests'])} requests")


if __name__ == "__main__":
    main()
