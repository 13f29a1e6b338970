"""Import a cluster's member list from a CSV file, with a progress bar.

    manage.py import_cluster_members tiruppur-knitwear members.csv --dry-run
    manage.py import_cluster_members tiruppur-knitwear members.csv --as manager@cluster.example

The same services as the pages: the same checks, the same report, kept as an import
the managers see on the cluster's import page.
"""

from pathlib import Path
from typing import TextIO, cast

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from clusters import services
from clusters.models import Cluster, MemberImport
from sme_platform.errors import ApplicationError, messages_of
from sme_platform.progress import ProgressBar


class Command(BaseCommand):
    help = "Import members into a cluster from CSV (UTF-8 or UTF-16; comma, semicolon or tab)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("cluster", help="The cluster's slug (its page address)")
        parser.add_argument("file", type=Path, help="The CSV file of members")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only show what each row would do"
        )
        parser.add_argument(
            "--as",
            dest="manager",
            default="",
            help="E-mail of the manager the import is recorded for (default: the first one)",
        )

    def handle(self, *args, **options) -> None:
        cluster = Cluster.objects.filter(slug=options["cluster"]).first()
        if cluster is None:
            raise CommandError(f"No cluster has the address {options['cluster']}.")
        managers = cluster.managers.order_by("pk")
        if options["manager"]:
            managers = managers.filter(email__iexact=options["manager"])
        manager = managers.first()
        if manager is None:
            raise CommandError("No such manager of this cluster: give one with --as EMAIL.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        with path.open("rb") as handle:
            try:
                member_import = services.member_import_upload(
                    cluster=cluster,
                    actor=manager,
                    upload=File(handle, name=path.name),
                    dry_run=options["dry_run"],
                    queue=False,
                )
            except (ApplicationError, PermissionDenied) as exc:
                texts = messages_of(exc)
                raise CommandError(" ".join(texts)) from exc
        bars: dict[str, ProgressBar] = {}

        def progress(step: str, done: int, total: int) -> None:
            bar = bars.get(step)
            if bar is None:
                bar = bars[step] = ProgressBar(
                    total, label=f"{step:<9}", stream=cast(TextIO, self.stdout)
                )
            bar.advance(done - bar.done)

        result = services.member_import_process(
            member_import_id=member_import.pk, on_progress=progress
        )
        for bar in bars.values():
            bar.finish()
        result = result or MemberImport.objects.get(pk=member_import.pk)
        for entry in result.report:
            if entry["action"] == "reject":
                self.stdout.write(f"row {entry['row']}: {' '.join(entry['reasons'])}")
        verb = "would be" if result.status == MemberImport.Status.CHECKED else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"Import #{result.pk} ({result.get_status_display()}): "
                f"{result.created_count} {verb} created, {result.updated_count} updated, "
                f"{result.unchanged_count} unchanged, {result.rejected_count} rejected."
            )
        )
