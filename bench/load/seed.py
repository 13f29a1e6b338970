"""A load database in about a minute: suppliers, buyers, clusters, open requests and
their proposals, written with bulk inserts.

    python bench/load/seed.py --suppliers 20000 --requests 300

Run against an empty, migrated database with the taxonomies loaded (``run.py`` does
all of that). Every account it makes logs in with ``LOAD_PASSWORD``; ``accounts()``
lists them for the load generator. The suppliers come from the search benchmark's
generator (``bench/search_speed.py``), so the two benchmarks see the same profiles.
"""

import random
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.synthetic import Taxonomy, make_request_text  # noqa: E402

LOAD_PASSWORD = "load-test-password-2024"  # noqa: S105 - a benchmark's own accounts
# Rows per INSERT batch for the rows this module writes itself.
BATCH = 2000


@dataclass(frozen=True)
class Shape:
    suppliers: int = 20_000
    requests: int = 300
    buyers: int = 40
    supplier_users: int = 300
    clusters: int = 5
    members_per_cluster: int = 60
    proposals_per_request: int = 20


def accounts(shape: Shape) -> dict[str, list[str]]:
    """The e-mail addresses of the seeded users, by role."""
    return {
        "buyer": [f"buyer-{i}@load.example" for i in range(shape.buyers)],
        "supplier": [f"supplier-{i}@load.example" for i in range(shape.supplier_users)],
        "manager": [f"manager-{i}@load.example" for i in range(shape.clusters)],
    }


def seed(shape: Shape, *, seed: int = 7) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone

    from bench.search_speed import generate
    from clusters.models import Cluster, ClusterMembership
    from companies.models import HsCode, Organisation, User
    from matching.models import Proposal, SourcingRequest

    generate(shape.suppliers, seed)
    rng = random.Random(seed + 100)
    tax = Taxonomy.load()
    now = timezone.now()
    # One hash for every account: hashing each would take minutes and prove nothing.
    password = make_password(LOAD_PASSWORD)
    emails = accounts(shape)
    with transaction.atomic():
        Organisation.objects.filter(verification=Organisation.Verification.VERIFIED).update(
            verified_at=now
        )
        # The firms with people behind them: verified, so the directory and the
        # proposals show them, and members of the clusters.
        firm_ids = list(
            Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)
            .order_by("pk")
            .values_list("pk", flat=True)[: shape.supplier_users]
        )
        Organisation.objects.filter(pk__in=firm_ids).update(
            verification=Organisation.Verification.VERIFIED, verified_at=now
        )
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    full_name=f"Load supplier {i}",
                    organisation_id=firm_id,
                    role=User.Role.OWNER,
                    password=password,
                    email_confirmed_at=now,
                )
                for i, (email, firm_id) in enumerate(zip(emails["supplier"], firm_ids, strict=True))
            ],
            batch_size=BATCH,
        )
        buyers = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=Organisation.Kind.BUYER,
                    legal_name=f"Load Buyer {i} GmbH",
                    slug=f"load-buyer-{i}",
                    country=rng.choice(["DE", "US", "JP", "GB", "FR"]),
                    verification=Organisation.Verification.VERIFIED,
                    verified_at=now,
                )
                for i in range(shape.buyers)
            ]
        )
        buyer_users = User.objects.bulk_create(
            [
                User(
                    email=email,
                    full_name=f"Load buyer {i}",
                    organisation_id=org.pk,
                    role=User.Role.OWNER,
                    password=password,
                    email_confirmed_at=now,
                )
                for i, (email, org) in enumerate(zip(emails["buyer"], buyers, strict=True))
            ]
        )
        bodies = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=Organisation.Kind.CLUSTER_BODY,
                    legal_name=f"Load Association {i}",
                    slug=f"load-association-{i}",
                    country="VN",
                    verification=Organisation.Verification.VERIFIED,
                    verified_at=now,
                )
                for i in range(shape.clusters)
            ]
        )
        managers = User.objects.bulk_create(
            [
                User(
                    email=email,
                    full_name=f"Load manager {i}",
                    organisation_id=body.pk,
                    role=User.Role.OWNER,
                    password=password,
                    email_confirmed_at=now,
                )
                for i, (email, body) in enumerate(zip(emails["manager"], bodies, strict=True))
            ]
        )
        User.objects.create(
            email="staff@load.example",
            full_name="Load staff",
            is_staff=True,
            password=password,
            email_confirmed_at=now,
        )
        clusters = Cluster.objects.bulk_create(
            [
                Cluster(
                    name=f"Load Cluster {i}",
                    slug=f"load-cluster-{i}",
                    country="VN",
                    sector_id="1430",
                    description="A cluster of the load benchmark.",
                    status=Cluster.Status.APPROVED,
                    reviewed_at=now,
                    body=body,
                    proposed_by=manager,
                )
                for i, (body, manager) in enumerate(zip(bodies, managers, strict=True))
            ]
        )
        for cluster, manager in zip(clusters, managers, strict=True):
            cluster.managers.add(manager)
        ClusterMembership.objects.bulk_create(
            [
                ClusterMembership(
                    cluster=cluster,
                    supplier_id=firm_id,
                    status=ClusterMembership.Status.ACTIVE,
                    listed_publicly=True,
                    share_contacts=rng.random() < 0.5,
                    joined_at=now + timedelta(days=1),
                )
                for c, cluster in enumerate(clusters)
                for firm_id in firm_ids[c :: shape.clusters][: shape.members_per_cluster]
            ],
            batch_size=BATCH,
        )
        # Joined when the row was made: the check constraint wants no earlier date.
        ClusterMembership.objects.update(joined_at=F("created_at"))
        hs6 = [code for code, _ in tax.hs6]
        known = set(HsCode.objects.filter(code__in=hs6).values_list("code", flat=True))
        hs6 = [code for code in hs6 if code in known]
        requests = SourcingRequest.objects.bulk_create(
            [
                SourcingRequest(
                    buyer_id=user.organisation_id,
                    created_by=user,
                    title=f"Load request {i}: " + make_request_text(rng, tax, low=3, high=6),
                    description=make_request_text(rng, tax),
                    volume_per_month=rng.choice([1000, 5000, 10000]),
                    unit="pieces",
                    deadline=now + timedelta(days=rng.randint(30, 120)),
                    visibility=SourcingRequest.Visibility.PUBLIC,
                    status=SourcingRequest.Status.OPEN,
                    opened_at=now,
                )
                for i, user in (
                    (i, buyer_users[i % len(buyer_users)]) for i in range(shape.requests)
                )
            ],
            batch_size=BATCH,
        )
        through = SourcingRequest.hs_codes.through
        through.objects.bulk_create(
            [through(sourcingrequest_id=r.pk, hscode_id=rng.choice(hs6)) for r in requests],
            batch_size=BATCH,
        )
        # Proposals as a match writes them: half to firms with people, so that every
        # supplier account has some to answer, half to the rest of the directory.
        others = list(
            Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)
            .exclude(pk__in=firm_ids)
            .values_list("pk", flat=True)[:5000]
        )
        rows = []
        half = shape.proposals_per_request // 2
        for i, r in enumerate(requests):
            # Round the firms with people, so each account gets its share to answer.
            people = {firm_ids[(i * half + j) % len(firm_ids)] for j in range(half)}
            chosen = sorted(people) + rng.sample(others, half)
            for rank, supplier_id in enumerate(chosen, start=1):
                score = round(0.9 - rank * 0.02, 3)
                rows.append(
                    Proposal(
                        request=r,
                        supplier_id=supplier_id,
                        score=score,
                        rank=rank,
                        breakdown={
                            "text": score,
                            "chars": 0.4,
                            "hs": 1.0,
                            "isic": 0.0,
                            "bridge": 0.5,
                        },
                        explanation=["Makes what the request names"],
                        engine_version="load",
                    )
                )
        Proposal.objects.bulk_create(rows, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would do after a bulk load


def main() -> None:
    """Seed the database of DATABASE_URL (already migrated, taxonomies loaded), then
    build the engine index the search and the match jobs read."""
    import argparse
    import os
    import time

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suppliers", type=int, default=Shape.suppliers)
    parser.add_argument("--requests", type=int, default=Shape.requests)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sme_platform.settings.base")
    import django

    django.setup()
    from matching.index_store import index_build_full

    started = time.perf_counter()
    seed(Shape(suppliers=args.suppliers, requests=args.requests))
    print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    version = index_build_full()
    print(
        f"index built in {time.perf_counter() - started:.1f} s: "
        f"{version.supplier_count:,} suppliers",
        flush=True,
    )


if __name__ == "__main__":
    main()
