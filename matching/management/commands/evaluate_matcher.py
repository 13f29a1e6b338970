from django.core.management.base import BaseCommand, CommandError

from companies.taxonomy import code_taxonomy_from_files
from engine.benchmark import load_benchmark, rank_with_engine, rank_with_word_tfidf
from engine.metrics import evaluate
from matching.weights import current_weights


class Command(BaseCommand):
    help = (
        "Print NDCG@10, Recall@10 and MRR of the matcher on a benchmark file, beside a "
        "plain word TF-IDF baseline."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="benchmark JSON: suppliers, requests, qrels")

    def handle(self, *args, **options):
        try:
            bench = load_benchmark(options["file"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        self.stdout.write(
            f"{len(bench.suppliers):,} suppliers, {len(bench.requests):,} requests, "
            f"{len(bench.qrels):,} judged"
        )
        taxonomy = code_taxonomy_from_files()
        engine = evaluate(rank_with_engine(bench, taxonomy, weights=current_weights()), bench.qrels)
        baseline = evaluate(rank_with_word_tfidf(bench), bench.qrels)
        self.stdout.write(f"{'':<22}{'NDCG@10':>9}{'Recall@10':>11}{'MRR':>8}")
        for name, scores in (("engine", engine), ("word TF-IDF baseline", baseline)):
            self.stdout.write(
                f"{name:<22}{scores['ndcg@10']:>9.4f}{scores['recall@10']:>11.4f}{scores['mrr']:>8.4f}"
            )
        ratio = engine["ndcg@10"] / baseline["ndcg@10"] if baseline["ndcg@10"] else float("inf")
        self.stdout.write(
            f"ndcg@10={engine['ndcg@10']:.4f} baseline_ndcg@10={baseline['ndcg@10']:.4f} "
            f"ratio={ratio:.2f}"
        )
