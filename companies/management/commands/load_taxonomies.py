from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand

from companies.taxonomy import load_taxonomies
from sme_platform.progress import ProgressBar


class Command(BaseCommand):
    help = "Load HS 2022, ISIC Rev. 4, the HS→ISIC concordance and the certification catalogue."

    def handle(self, *args: Any, **options: Any) -> None:
        bars: dict[str, ProgressBar] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                # The command's output wrapper is a text stream, though not typed as one.
                stream = cast(TextIO, self.stdout)
                bar = bars[stage] = ProgressBar(total, label=f"{stage:<12}", stream=stream)
            bar.advance(done - bar.done)

        report = load_taxonomies(progress=progress)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Taxonomies loaded."))
