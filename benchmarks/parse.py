"""Front-end speed: parsing the Armv8.6 reference text, and building the parser.

In: the reference file (``../shared/spec/armv8.6-fp-checks.asl``; when it is absent, the
construct cases under ``tests/syntax`` stand in). Out: a table on stdout:

- parse from text with the parser already built: median ms and lines/s, next to the
  lexer alone over the same text (the baseline, measured in the same run; the ratio says
  what parsing and AST building add to tokenising);
- one-time construction of the Lark parser from ``grammar.lark``, without and with Lark's
  grammar cache (ratio: what the cache saves at start-up).

Exit status 0; nothing asserts a time (the target, < 100 ms for the reference file, is
reported, not enforced). ``--quick`` runs few repetitions (the smoke test uses it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "spec" / "armv8.6-fp-checks.asl"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from asl_interp.syntax import parser


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _workload() -> tuple[str, str]:
    if REFERENCE.is_file():
        return REFERENCE.name, REFERENCE.read_text(encoding="utf-8")
    cases = sorted((ROOT / "tests" / "syntax").rglob("*.asl"))
    return "tests/syntax/*.asl (reference text absent)", "\n".join(p.read_text(encoding="utf-8") for p in cases)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few repetitions (smoke test)")
    ap.add_argument("--repeat", type=int, default=None, help="timed runs per figure (median reported)")
    args = ap.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 15)
    builds = 1 if args.quick else 5
    if repeat < 1:
        ap.error("--repeat must be at least 1")

    name, text = _workload()
    lines = text.count("\n") + 1
    parser.parse(text, name)  # builds the parser, warms caches
    lark = parser.build_lark()

    parse_ms = _median_ms(lambda: parser.parse(text, name), repeat)
    lex_ms = _median_ms(lambda: sum(1 for _ in lark.lex(text)), repeat)

    with tempfile.TemporaryDirectory() as tmp:
        cache_file = str(Path(tmp) / "grammar.cache")
        parser.build_lark(cache=cache_file)  # writes the cache
        uncached_ms = _median_ms(lambda: parser.build_lark(cache=False), builds)
        cached_ms = _median_ms(lambda: parser.build_lark(cache=cache_file), builds)

    rows = [
        ("lex only (baseline)", f"{lex_ms:8.1f}", f"{lines / lex_ms * 1000:10,.0f}", "1.00"),
        ("parse to AST", f"{parse_ms:8.1f}", f"{lines / parse_ms * 1000:10,.0f}", f"{parse_ms / lex_ms:.2f}"),
        ("build parser, no cache", f"{uncached_ms:8.1f}", "", "1.00"),
        ("build parser, cached", f"{cached_ms:8.1f}", "", f"{cached_ms / uncached_ms:.2f}"),
    ]
    print(f"parse benchmark: {name}, {lines} lines, median of {repeat} runs ({builds} for builds)")
    print(f"{'figure':<24} {'ms':>8} {'lines/s':>10} {'ratio':>6}")
    for figure, ms, rate, ratio in rows:
        print(f"{figure:<24} {ms:>8} {rate:>10} {ratio:>6}")
    verdict = "meets" if parse_ms < 100 else "misses"
    print(f"target: reference parse < 100 ms: {verdict} ({parse_ms:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
