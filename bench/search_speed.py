"""How fast the supplier search answers, on generated suppliers in PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/bench_search \\
        python bench/search_speed.py --suppliers 100000

Creates and migrates its own empty database (refuses one that holds data),
generates suppliers, builds the engine index, then times the search selector the
API calls (``matching.search.supplier_search``) on a realistic mix of queries and
filters. The baseline beside it is the directory's SQL substring filter
(``ILIKE``) on the same words, run on the same database in the same run.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._bench_db import prepare_database, setup_django  # noqa: E402
from bench.synthetic import Taxonomy, make_search_words, make_supplier  # noqa: E402

# Rows per INSERT batch: ~5,000 organisations is a few MB of parameters.
INSERT_BATCH = 5000


def generate(n: int, seed: int) -> None:
    from companies.models import Certification, Organisation, ProductLine
    from sme_platform.progress import ProgressBar

    rng = random.Random(seed)
    tax = Taxonomy.load()
    today = date.today()
    bar = ProgressBar(n, label="suppliers")
    hs_through = Organisation.hs_codes.through
    for start in range(0, n, INSERT_BATCH):
        fakes = [make_supplier(rng, tax, i) for i in range(start, min(n, start + INSERT_BATCH))]
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=Organisation.Kind.SUPPLIER,
                    legal_name=f.name,
                    slug=f"bench-{start + i}",
                    country=f.country,
                    description=f.description,
                    processes=f.processes,
                    verification=Organisation.Verification.VERIFIED
                    if f.verified
                    else Organisation.Verification.UNVERIFIED,
                )
                for i, f in enumerate(fakes)
            ]
        )
        hs_through.objects.bulk_create(
            [
                hs_through(organisation_id=o.pk, hscode_id=c)
                for o, f in zip(orgs, fakes, strict=True)
                for c in f.hs_codes
            ]
        )
        Certification.objects.bulk_create(
            [
                Certification(
                    organisation_id=o.pk,
                    scheme_id=s,
                    issuer="Bench Cert Body",
                    certificate_number=f"B-{o.pk}-{s}",
                    # One in ten has expired: the filter must not count those.
                    valid_until=today + timedelta(days=rng.choice([-30] + [365] * 9)),
                    status=Certification.Status.VERIFIED,
                )
                for o, f in zip(orgs, fakes, strict=True)
                for s in f.certifications
            ]
        )
        ProductLine.objects.bulk_create(
            [
                ProductLine(
                    organisation_id=o.pk,
                    hs_code_id=f.hs_codes[0],
                    monthly_capacity=f.capacity,
                    unit=f.unit,
                )
                for o, f in zip(orgs, fakes, strict=True)
            ]
        )
        bar.advance(len(fakes))


def query_mix(rng: random.Random, count: int) -> list[tuple[str, dict]]:
    """Typed words alone, and words with the filters buyers use, in realistic shares."""
    tax = Taxonomy.load()
    mix = []
    for _ in range(count):
        words, code = make_search_words(rng, tax)
        roll = rng.random()
        if roll < 0.40:
            params = {}
        elif roll < 0.55:
            params = {
                "subregion": rng.choice(["south-eastern-asia", "southern-asia", "eastern-asia"])
            }
        elif roll < 0.65:
            params = {"country": rng.choice(["VN", "TH", "IN", "BD", "CN"])}
        elif roll < 0.75:
            params = {"hs_code": code[:4]}
            words = rng.choice([words, ""])
        elif roll < 0.85:
            params = {
                "certification": rng.choice(["iso-9001", "oeko-tex", "haccp"]),
                "verified_only": "true",
            }
        elif roll < 0.95:
            params = {"min_capacity": str(rng.choice([1000, 5000, 20000])), "unit": "pieces"}
        else:
            params = {
                "hs_code": code[:2],
                "country": rng.choice(["VN", "IN"]),
                "verified_only": "true",
            }
        mix.append((words, params))
    return mix


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    url = prepare_database()
    setup_django(url)
    from companies.models import Organisation
    from companies.selectors import supplier_directory
    from matching.index_store import index_build_full
    from matching.search import SupplierSearchFilters, supplier_search

    name = url.rsplit("/", 1)[-1]
    print(f"database: {name}  suppliers: {args.suppliers:,}  queries: {args.queries}")
    started = time.perf_counter()
    generate(args.suppliers, args.seed)
    print(f"generated in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would do after a bulk load
    started = time.perf_counter()
    version = index_build_full()
    print(
        f"index built in {time.perf_counter() - started:.1f} s: "
        f"{version.supplier_count:,} suppliers, artifact {version.size_bytes / 1e6:.0f} MB"
    )

    rng = random.Random(args.seed + 1)
    mix = query_mix(rng, args.queries)
    for words, params in mix[:20]:  # warm caches and the loaded index
        supplier_search(user=None, query=words, filters=SupplierSearchFilters.from_params(params))

    timings, results = [], []
    for words, params in mix:
        t0 = time.perf_counter()
        page = supplier_search(
            user=None, query=words, filters=SupplierSearchFilters.from_params(params)
        )
        timings.append((time.perf_counter() - t0) * 1000)
        results.append(page.total)

    baseline = []
    for words, _ in mix[:100]:
        word = words.split()[0] if words else "cotton"
        t0 = time.perf_counter()
        list(supplier_directory(text=word)[:20].values_list("pk", flat=True))
        baseline.append((time.perf_counter() - t0) * 1000)

    assert Organisation.objects.count() == args.suppliers
    print(f"queries with results: {sum(1 for r in results if r)}/{len(results)}")
    print(
        f"baseline (SQL ILIKE substring, first 100 queries' first word): "
        f"p50_ms={statistics.median(baseline):.1f} p95_ms={percentile(baseline, 0.95):.1f}"
    )
    print(f"engine search selector: p99_ms={percentile(timings, 0.99):.1f}")
    print(f"p50_ms={statistics.median(timings):.1f} p95_ms={percentile(timings, 0.95):.1f}")


if __name__ == "__main__":
    main()
