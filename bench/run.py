"""Benchmarks against baselines measured in the same run, printed as ratios.

    python bench/run.py                         # 10k and 100k statements (a few minutes)
    python bench/run.py --sizes 10k,100k,1M     # the 1M baseline (stock Frictionless) takes minutes
    python bench/run.py --sizes 1M --skip import,load,shipped

Measured, each in a fresh process on this machine:

- validate: `ukraine-talks validate` against stock `frictionless validate` on synthetic
  packages (bench/generate.py; cached in bench/out/), wall time and peak memory; and the
  column engine on a damaged copy (at --agree-sizes both engines must report the same
  issues).
- import: `import ukraine_talks_data` against a bare interpreter (median of many starts).
- load: `load_table(root, "statements")` (what `load()` runs, imports included) against a bare
  `pyarrow.parquet.read_table` of the same Parquet file.
- shipped: `ukraine-talks validate` against `frictionless validate datapackage.json` on the
  package in this repository.

Results also go to bench/out/results.json. Benchmarks are run on demand, never as tests.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import OUT, ROOT, package_path, size_of

BIN = Path(sys.executable).parent


def run(command: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """Run `command` once: (wall seconds, peak RSS in MiB, exit status)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def median_run(command: list[str], repeat: int, cwd: Path | None = None) -> float:
    return statistics.median(run(command, cwd)[0] for _ in range(repeat))


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def rows_of(package: Path) -> int:
    total = 0
    for csv in (package.parent / "data").glob("*.csv"):
        with csv.open("rb") as fh:
            total += sum(1 for _ in fh) - 1
    return total


def median_of(command: list[str], repeat: int) -> tuple[float, int, int]:
    """`run` `repeat` times: the median wall time, the largest peak RSS, the last status."""
    runs = [run(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def bench_validate(
    labels: list[str], baseline: set[str], agree: set[str], repeat: int = 3
) -> list[dict[str, Any]]:
    """`ukraine-talks validate` (median of `repeat` runs) against one stock Frictionless run."""
    results = []
    for label in labels:
        package = package_path(label)
        ours = median_of([str(BIN / "ukraine-talks"), "validate", str(package)], repeat)
        entry: dict[str, Any] = {
            "size": label,
            "rows": rows_of(package),
            "columns_s": ours[0],
            "columns_mib": ours[1],
            "columns_exit": ours[2],
        }
        if label in baseline:
            stock = run([str(BIN / "frictionless"), "validate", "datapackage.json"], package.parent)
            entry.update(
                frictionless_s=stock[0], frictionless_mib=stock[1], frictionless_exit=stock[2]
            )
        damaged = package_path(label, damaged=True)
        wall, mib, code = run([str(BIN / "ukraine-talks"), "validate", str(damaged)])
        entry.update(damaged_s=wall, damaged_mib=mib, damaged_exit=code)
        if label in agree:
            entry["engines_agree"] = engines_agree(damaged)
        results.append(entry)
        print(_validate_line(entry), flush=True)
    for smaller, larger in itertools.pairwise(results):
        extra = (larger["columns_s"] - smaller["columns_s"]) / (larger["rows"] - smaller["rows"])
        print(
            f"growth {smaller['size']} -> {larger['size']}: {extra * 1e6:.2f} us per further row"
            " (linear: about the same from size to size)",
            flush=True,
        )
    return results


def engines_agree(package: Path) -> bool:
    """Whether both engines report the same issues on `package` (JSON reports compared)."""
    reports = []
    for engine in ("columns", "frictionless"):
        out = subprocess.run(
            [str(BIN / "ukraine-talks"), "validate", str(package), "--json", "--engine", engine],
            capture_output=True,
            text=True,
            check=False,
        )
        reports.append(json.loads(out.stdout))
    return bool(reports[0] == reports[1])


def _validate_line(e: dict[str, Any]) -> str:
    line = (
        f"validate {e['size']:>5} ({e['rows']:,} rows): columns {e['columns_s']:.2f} s "
        f"({e['columns_s'] / e['rows'] * 1e6:.1f} us/row), {e['columns_mib']} MiB"
    )
    if "frictionless_s" in e:
        ratio = e["frictionless_s"] / e["columns_s"]
        line += (
            f"; frictionless {e['frictionless_s']:.1f} s, {e['frictionless_mib']} MiB"
            f" -> {ratio:.1f}x faster"
        )
        if e["size"] == "1M":
            line += " (target >= 40x, < 1024 MiB)"
    line += f"; damaged copy {e['damaged_s']:.2f} s"
    if "engines_agree" in e:
        line += ", engines agree" if e["engines_agree"] else ", ENGINES DISAGREE"
    return line


def bench_import(repeat: int) -> dict[str, Any]:
    bare = median_run(python("pass"), repeat)
    ours = median_run(python("import ukraine_talks_data"), repeat)
    result = {"bare_s": bare, "package_s": ours, "added_ms": (ours - bare) * 1000}
    print(
        f"import: bare interpreter {bare * 1000:.1f} ms, with ukraine_talks_data "
        f"{ours * 1000:.1f} ms -> adds {result['added_ms']:.1f} ms (target <= 30 ms)",
        flush=True,
    )
    return result


def bench_load(labels: list[str], repeat: int) -> list[dict[str, Any]]:
    results = []
    for label in labels:
        root = package_path(label).parent
        parquet = root / "data" / "parquet" / "statements.parquet"
        bare = median_run(
            python(f"import pyarrow.parquet as pq; pq.read_table({str(parquet)!r})"), repeat
        )
        ours = median_run(
            python(
                "import pathlib; "
                "from ukraine_talks_data.loading.accessor import table_schema; "
                "from ukraine_talks_data.loading.parquet import fresh_parquet; "
                f"root = pathlib.Path({str(root)!r}); "
                "t = fresh_parquet(root / 'data/parquet/statements.parquet', "
                "root / 'data/statements.csv', table_schema('statements')); "
                "assert t is not None, 'the Parquet file is not fresh'"
            ),
            repeat,
        )
        entry = {"size": label, "bare_s": bare, "load_s": ours, "ratio": ours / bare}
        results.append(entry)
        print(
            f"load statements {label:>5}: pyarrow.parquet.read_table {bare:.3f} s, "
            f"load() path {ours:.3f} s -> {entry['ratio']:.2f}x (target <= 1.2x)",
            flush=True,
        )
    return results


def bench_shipped(repeat: int) -> dict[str, Any]:
    ours = median_run([str(BIN / "ukraine-talks"), "validate"], repeat, ROOT)
    stock = median_run([str(BIN / "frictionless"), "validate", "datapackage.json"], repeat, ROOT)
    result = {"columns_s": ours, "frictionless_s": stock, "ratio": stock / ours}
    print(
        f"shipped package: ukraine-talks validate {ours:.2f} s, frictionless validate "
        f"{stock:.2f} s -> {result['ratio']:.1f}x faster",
        flush=True,
    )
    return result


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "frictionless": version("frictionless"),
        "pyarrow": version("pyarrow"),
        "duckdb": version("duckdb"),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--sizes", default="10k,100k", help="package sizes: 1k,10k,100k,1M")
    parser.add_argument(
        "--baseline-sizes",
        default=None,
        help="sizes on which to run stock frictionless too (default: all of --sizes)",
    )
    parser.add_argument(
        "--agree-sizes",
        default="10k,100k",
        help="sizes whose damaged copy both engines validate, to compare their reports "
        "(the frictionless engine takes minutes at 1M)",
    )
    parser.add_argument("--skip", default="", help="parts to skip: validate,import,load,shipped")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of short timings")
    parser.add_argument(
        "--validate-repeat",
        type=int,
        default=3,
        help="runs of ukraine-talks validate per size (the median is reported; stock "
        "Frictionless runs once, its minutes making one run's noise small)",
    )
    args = parser.parse_args(argv)
    labels = [s for s in args.sizes.split(",") if s]
    for label in labels:
        size_of(label)  # fails early on a bad size
    baseline = set((args.baseline_sizes or args.sizes).split(","))
    skip = set(args.skip.split(","))
    if not shutil.which("frictionless", path=str(BIN)):
        sys.exit(f"frictionless is not installed in {BIN}")
    # Bytecode as `pip install` leaves it (an editable install compiles nothing, and with
    # PYTHONDONTWRITEBYTECODE every run would compile the package again).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    results: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv)}
    print(json.dumps(results["machine"]), flush=True)
    if "validate" not in skip:
        agree = set(args.agree_sizes.split(","))
        results["validate"] = bench_validate(labels, baseline, agree, args.validate_repeat)
    if "import" not in skip:
        results["import"] = bench_import(max(args.repeat, 20))
    if "load" not in skip:
        results["load"] = bench_load(labels, args.repeat)
    if "shipped" not in skip:
        results["shipped"] = bench_shipped(args.repeat)
    results["load_average_after"] = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"load average after: {results['load_average_after']}; results in {OUT}/results.json")


if __name__ == "__main__":
    main()
