"""Speed and memory of the engine alone, beside the baselines, in one run.

    python bench/match_speed.py --suppliers 1000000 --requests 1000

Generated suppliers (30–100 words) and requests (10–40 words). Each phase runs in
its own process so its peak memory is its own:

1. build: fit the supplier index and store it; then scikit-learn's
   ``TfidfVectorizer.fit`` on the same texts, timed the same way;
2. query: load the index, then
   - one request at a time, top 20, on one thread: the engine's term-at-a-time
     accumulator against scipy's sparse product (query row × supplier matrix,
     then ``argpartition``);
   - 1,000 requests, top 20 each, on every core: the engine's batch against
     ``sparse_dot_topn.sp_matmul_topn`` with the same threads, each the median
     of three runs;
   - a full proposal: re-ranking 300 candidates by character n-grams and
     writing their explanations, timed apart.
Both rankers must return the same top 20 with the same scores; the run checks it.
"""

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import Taxonomy, make_request_text, make_supplier  # noqa: E402

WORK = ROOT / "var" / "bench-match"
BATCH_RUNS = 3


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            found.extend(_descendants(child))
    return found


def tree_pss_mb(pid: int | None = None) -> float:
    """Memory of a process and every process it started, shared pages split between
    them (proportional set size): what the whole build really holds at this moment."""
    total_kb = 0
    for each in [pid or os.getpid(), *_descendants(pid or os.getpid())]:
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue  # the worker ended between the listing and the read
    return total_kb / 1024


class PeakSampler:
    """Samples ``tree_pss_mb`` every few milliseconds in a thread and keeps the peak."""

    def __init__(self, every_s: float = 0.02) -> None:
        import threading

        self.every_s = every_s
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_pss_mb())
            self._stop.wait(self.every_s)

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, tree_pss_mb())


def supplier_texts(n: int, seed: int) -> list[str]:
    tax = Taxonomy.load()
    texts = []
    for i in range(n):
        # One generator per supplier, so any supplier's text can be made again alone.
        s = make_supplier(random.Random(seed * 1_000_003 + i), tax, i)
        texts.append(f"{s.description} {s.processes}")
    return texts


def request_texts(n: int, seed: int) -> list[str]:
    tax = Taxonomy.load()
    rng = random.Random(seed + 1)
    return [make_request_text(rng, tax) for _ in range(n)]


def phase_build(args) -> dict:
    import numpy as np

    from engine import SupplierIndex, SupplierRecord
    from engine.persistence import dump_index

    texts = supplier_texts(args.suppliers, args.seed)
    records = [SupplierRecord(id=i, name="", description=t) for i, t in enumerate(texts)]
    gc.collect()
    before = tree_pss_mb()
    with PeakSampler() as sampler:
        t0 = time.perf_counter()
        index = SupplierIndex().fit(records)
        fit_s = time.perf_counter() - t0
    build_peak = sampler.peak_mb
    WORK.mkdir(parents=True, exist_ok=True)
    with (WORK / "index.pkl").open("wb") as handle:
        dump_index(index, handle)
    postings = index.base_.postings
    index_bytes = postings.data.nbytes + postings.indices.nbytes + postings.indptr.nbytes
    base = index.base_
    arrays = [base.ids, base.alive, base.listed, base.verified, base.country, base.prior]
    if base.sorter is not None:  # ids out of order keep a sorted copy and its rows
        arrays += [base.sorter, base.sorted_ids]
    index_bytes += sum(a.nbytes for a in arrays)
    for name in ("hs", "isic", "certs", "clusters"):
        matrix = getattr(index.base_, name)
        index_bytes += matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes
    index_bytes += sum(column.nbytes for column in index.base_.capacity.values())
    index_bytes += index.char_idf_.nbytes
    del index, records
    gc.collect()
    from sklearn.feature_extraction.text import TfidfVectorizer

    with PeakSampler() as sklearn_sampler:
        t0 = time.perf_counter()
        TfidfVectorizer(sublinear_tf=True, dtype=np.float32).fit(texts)
        sklearn_s = time.perf_counter() - t0
    return {
        "fit_s": fit_s,
        "sklearn_fit_s": sklearn_s,
        "build_peak_mb": build_peak,
        "sklearn_peak_mb": sklearn_sampler.peak_mb,
        "texts_mb": before,
        "index_mb": index_bytes / 1e6,
        "artifact_mb": (WORK / "index.pkl").stat().st_size / 1e6,
        "nnz_per_supplier": postings.nnz / max(1, args.suppliers),
    }


def phase_query(args) -> dict:
    import numba
    import numpy as np
    from sparse_dot_topn import sp_matmul_topn

    from engine.matcher import explain_scored, score_candidates, score_pair, select
    from engine.persistence import load_index
    from engine.postings import dequantized, scale_of
    from engine.records import RequestRecord, SupplierRecord
    from engine.topk import scipy_topk, topk_batch, topk_one

    with (WORK / "index.pkl").open("rb") as handle:
        index = load_index(handle)
    postings = index.base_.postings  # terms × suppliers, 16-bit weight levels
    scale = scale_of(postings)
    requests = request_texts(args.requests, args.seed)
    queries = index.vectorizer_.transform(requests).astype(np.float32).tocsr()
    queries.sort_indices()
    k = 20
    threads = os.cpu_count() or 1
    singles = min(args.singles, queries.shape[0])

    # The engine first, alone in the process, so its peak memory is its own.
    for q in range(5):
        row = queries.getrow(q)
        topk_one(postings, row.indices, row.data, k, scale=scale)
    topk_batch(postings, queries[:4], k, scale=scale)
    numba.set_num_threads(1)
    engine_ms, engine_results = [], []
    for q in range(singles):
        row = queries.getrow(q)
        t0 = time.perf_counter()
        engine_results.append(topk_one(postings, row.indices, row.data, k, scale=scale))
        engine_ms.append((time.perf_counter() - t0) * 1000)
    numba.set_num_threads(threads)
    # Both batch rankers run BATCH_RUNS times and report their median run: one run of
    # a few seconds on a shared virtual machine varies by ±10%.
    batch_runs = []
    for _ in range(BATCH_RUNS):
        t0 = time.perf_counter()
        batch_rows, _ = topk_batch(postings, queries, k, scale=scale)
        batch_runs.append(time.perf_counter() - t0)
    batch_s = statistics.median(batch_runs)

    # Stage two of a request: 300 candidates re-ranked with every factor (character
    # n-grams included), then the kept ones explained; and one proposal on its own.
    rerank_ms, pair_ms = [], []
    tax = Taxonomy.load()
    for q in range(min(30, len(requests))):
        row = queries.getrow(q)
        rows, first_scores = topk_one(postings, row.indices, row.data, 300, scale=scale)
        records = {}
        for r in rows.tolist():
            fake = make_supplier(random.Random(args.seed * 1_000_003 + r), tax, r)
            records[r] = SupplierRecord(id=r, name=fake.name, description=fake.description)
        request = RequestRecord(id=q, title=requests[q])
        words = dict(zip(rows.tolist(), first_scores.tolist(), strict=True))
        t0 = time.perf_counter()
        scored = score_candidates(index, request, records, word_scores=words, explain=False)
        result = select(scored, min_score=0.0)
        explain_scored(index, request, result.proposals + result.near_misses, records)
        rerank_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        score_pair(index, request, records[rows[0]])
        pair_ms.append((time.perf_counter() - t0) * 1000)
    engine_peak = peak_rss_mb()

    # Then the baselines, on the float32 weights the engine's levels stand for.
    weights = dequantized(postings)  # terms × suppliers
    suppliers = weights.T.tocsr()  # the baseline's supplier matrix
    for q in range(5):
        scipy_topk(suppliers, queries.getrow(q), k)
    scipy_ms, mismatches = [], 0
    for q in range(singles):
        row = queries.getrow(q)
        t0 = time.perf_counter()
        base_rows, base_scores = scipy_topk(suppliers, row, k)
        scipy_ms.append((time.perf_counter() - t0) * 1000)
        rows, scores = engine_results[q]
        if not (np.array_equal(rows, base_rows) and np.allclose(scores, base_scores, rtol=1e-6)):
            mismatches += 1
    topn_runs = []
    for _ in range(BATCH_RUNS):
        t0 = time.perf_counter()
        baseline = sp_matmul_topn(queries, weights, top_n=k, n_threads=threads, sort=True)
        topn_runs.append(time.perf_counter() - t0)
    topn_s = statistics.median(topn_runs)
    batch_mismatch = 0
    for q in range(queries.shape[0]):
        start, end = baseline.indptr[q], baseline.indptr[q + 1]
        if set(baseline.indices[start:end].tolist()) != set(r for r in batch_rows[q] if r >= 0):
            batch_mismatch += 1

    def pct(values, share):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    return {
        "single_p50_ms": statistics.median(engine_ms),
        "single_p95_ms": pct(engine_ms, 0.95),
        "scipy_p50_ms": statistics.median(scipy_ms),
        "scipy_p95_ms": pct(scipy_ms, 0.95),
        "single_mismatches": mismatches,
        "singles": singles,
        "batch_s": batch_s,
        "sparse_dot_topn_s": topn_s,
        "batch_mismatches": batch_mismatch,
        "batch_requests": queries.shape[0],
        "threads": threads,
        "rerank_p50_ms": statistics.median(rerank_ms),
        "rerank_p95_ms": pct(rerank_ms, 0.95),
        "pair_p50_ms": statistics.median(pair_ms),
        "pair_p95_ms": pct(pair_ms, 0.95),
        "engine_peak_mb": engine_peak,
        "query_peak_mb": peak_rss_mb(),
    }


def run_phase(name: str, args) -> dict:
    command = [sys.executable, __file__, "--phase", name, "--suppliers", str(args.suppliers)]
    command += ["--requests", str(args.requests), "--singles", str(args.singles)]
    command += ["--seed", str(args.seed)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--singles", type=int, default=300, help="single-request timings")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--phase", choices=["build", "query"])
    args = parser.parse_args()
    if args.phase:
        result = phase_build(args) if args.phase == "build" else phase_query(args)
        print(json.dumps(result))
        return

    print(f"suppliers={args.suppliers:,} requests={args.requests:,} cores={os.cpu_count()}")
    build = run_phase("build", args)
    fit_ratio = build["fit_s"] / build["sklearn_fit_s"]
    print(
        f"fit: engine {build['fit_s']:.1f} s, scikit-learn TfidfVectorizer.fit "
        f"{build['sklearn_fit_s']:.1f} s (ratio {fit_ratio:.2f}); "
        f"build peak {build['build_peak_mb']:.0f} MB with its counting workers "
        f"(of which the generated texts {build['texts_mb']:.0f} MB; "
        f"TfidfVectorizer.fit {build['sklearn_peak_mb']:.0f} MB)"
    )
    print(
        f"index: {build['index_mb']:.0f} MB in memory, artifact {build['artifact_mb']:.0f} MB, "
        f"{build['nnz_per_supplier']:.1f} non-zeros per supplier"
    )
    query = run_phase("query", args)
    q = query
    print(
        f"one request, top 20, 1 thread: engine p50 {q['single_p50_ms']:.2f} ms "
        f"p95 {q['single_p95_ms']:.2f} ms; scipy p50 {q['scipy_p50_ms']:.2f} ms "
        f"p95 {q['scipy_p95_ms']:.2f} ms; "
        f"different results: {q['single_mismatches']}/{q['singles']}"
    )
    print(
        f"{q['batch_requests']:,} requests, top 20, {q['threads']} threads: engine "
        f"{q['batch_s']:.2f} s, sparse_dot_topn {q['sparse_dot_topn_s']:.2f} s; "
        f"different top sets: {q['batch_mismatches']}"
    )
    print(
        f"stage two of a request (300 candidates re-ranked by every factor incl. character "
        f"n-grams, the top 20 explained): p50 {q['rerank_p50_ms']:.1f} ms "
        f"p95 {q['rerank_p95_ms']:.1f} ms"
    )
    print(
        f"one proposal with its full explanation: p50 {q['pair_p50_ms']:.2f} ms "
        f"p95 {q['pair_p95_ms']:.2f} ms"
    )
    print(
        f"querying process peak {q['engine_peak_mb']:.0f} MB with the engine alone, "
        f"{q['query_peak_mb']:.0f} MB once the baselines' matrices are built beside it"
    )
    print(
        f"single_p50_ms={query['single_p50_ms']:.2f} scipy_p50_ms={query['scipy_p50_ms']:.2f} "
        f"ratio={query['single_p50_ms'] / query['scipy_p50_ms']:.3f}"
    )
    print(
        f"batch_s={query['batch_s']:.2f} sparse_dot_topn_s={query['sparse_dot_topn_s']:.2f} "
        f"ratio={query['batch_s'] / query['sparse_dot_topn_s']:.3f}"
    )


if __name__ == "__main__":
    main()
