"""Set up Django on the benchmark's own PostgreSQL database, refusing one with data."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def prepare_database() -> str:
    """Create the database named by BENCH_DATABASE_URL if missing; refuse it if it holds data."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"} or not parsed.path.strip("/"):
        sys.exit(
            "Set BENCH_DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1/bench"
        )
    import psycopg

    name = parsed.path.strip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        ]
        for table in tables:
            if table == "django_migrations":
                continue
            if conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
                sys.exit(f"Refusing {name}: table {table} holds data. Give an empty database.")
    return url


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sme_platform.settings.base"
    os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench-media"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_taxonomies", stdout=open(os.devnull, "w"))  # noqa: SIM115
