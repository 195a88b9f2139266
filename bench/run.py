"""Benchmarks against baselines measured in the same run, printed as ratios.

    python bench/run.py                         # 10k and 100k statements (a few minutes)
    python bench/run.py --sizes 10k,100k,1M     # the 1M baseline (stock Frictionless) takes minutes
    python bench/run.py --sizes 1M --skip import,load,shipped
    python bench/run.py --shape real --real-sizes 100k,1M --skip import,load  # real-shaped

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
- real (--shape real or both): on real-shaped packages (bench/generate_real.py: the shipped
  tables replicated with renumbered keys; cached in bench/out/real-<size>/), one run per
  size of `ukraine-talks validate`, stock `frictionless validate` (--real-baseline-sizes,
  up to 1M) and a bare `pyarrow.csv.read_csv` of the same table files (--pyarrow-sizes).

Every measured command runs under a guard (--guard-mib, --guard-seconds): a child whose
resident memory or wall time passes it is killed and reported as such, so that a 10M run
cannot exhaust the machine. The targets of the issue are printed at the end, MET or NOT
MET, for whatever this run measured.

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
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import package_path
from generate_real import copies_of, real_package_path
from package_writer import OUT, ROOT, size_of

BIN = Path(sys.executable).parent
# Children import this worktree's package (the venv's editable install may point elsewhere).
CHILD_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
    ),
}
KILLED = -9  # exit status reported for a child the guard killed


class Guard(NamedTuple):
    """Limits for a measured child: resident MiB and wall seconds (0: none)."""

    mib: int = 0
    seconds: float = 0


GUARD = Guard()  # set by main() from --guard-mib and --guard-seconds


def _rss_mib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return 0


def run(command: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """Run `command` once: (wall seconds, peak RSS in MiB, exit status).

    Under GUARD, a watchdog thread kills a child above its memory or time limit: status
    KILLED. The wait itself blocks, so the guard adds nothing to short timings.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV
    )
    done = threading.Event()
    killed: list[str] = []

    def watch() -> None:
        while not done.wait(0.2):
            if GUARD.seconds and time.perf_counter() - start > GUARD.seconds:
                killed.append("time")
            elif GUARD.mib and _rss_mib(process.pid) > GUARD.mib:
                killed.append("memory")
            if killed:
                process.kill()
                return

    watchdog = threading.Thread(target=watch, daemon=True)
    if any(GUARD):
        watchdog.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
    code = KILLED if killed else process.returncode
    return wall, usage.ru_maxrss // 1024, code


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
            env=CHILD_ENV,
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


# A bare read of a package's table files: every column as text, as the validator reads them
# (type inference would also fail on columns whose first block is empty), all tables kept.
_PYARROW_READ = """
import sys, pyarrow as pa, pyarrow.csv as c
tables = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as fh:
        names = next(__import__("csv").reader(fh))
    options = c.ConvertOptions(column_types={n: pa.string() for n in names})
    tables.append(c.read_csv(path, convert_options=options))
"""


def _declared(package: Path) -> tuple[int, int, int]:
    """(data rows, table bytes, statements) as the package's descriptor declares them."""
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    tables = [r for r in descriptor["resources"] if r.get("type") == "table"]
    statements = next(r["rows"] for r in tables if r["name"] == "statements")
    return sum(r["rows"] for r in tables), sum(r["bytes"] for r in tables), statements


def _status(code: int) -> str:
    return "killed by the guard" if code == KILLED else f"exit {code}"


def bench_real(
    labels: list[str], baseline: set[str], pyarrow_sizes: set[str], repeat: int
) -> list[dict[str, Any]]:
    """Real-shaped packages: ours, stock Frictionless and a bare pyarrow read, one run each."""
    results = []
    for label in labels:
        package = real_package_path(label)
        rows, size, statements = _declared(package)
        files = sorted(str(p) for p in (package.parent / "data").glob("*.csv"))
        ours = median_of([str(BIN / "ukraine-talks"), "validate", str(package)], repeat)
        entry: dict[str, Any] = {
            "size": label,
            "copies": copies_of(label),
            "statements": statements,
            "rows": rows,
            "mb": size / 1e6,
            "columns_s": ours[0],
            "columns_mib": ours[1],
            "columns_exit": ours[2],
        }
        line = (
            f"real {label:>4} ({statements:,} statements, {rows:,} rows, {size / 1e6:,.1f} MB): "
            f"ukraine-talks {ours[0]:.2f} s, {ours[1]} MiB, {_status(ours[2])}"
        )
        if label in pyarrow_sizes:
            bare = run(python(_PYARROW_READ) + files)
            entry.update(pyarrow_s=bare[0], pyarrow_mib=bare[1], pyarrow_exit=bare[2])
            line += (
                f"; pyarrow read {bare[0]:.2f} s, {bare[1]} MiB, {_status(bare[2])}"
                f" -> ours/pyarrow {ours[0] / bare[0]:.2f}x"
            )
        if label in baseline:
            stock = run([str(BIN / "frictionless"), "validate", "datapackage.json"], package.parent)
            entry.update(
                frictionless_s=stock[0], frictionless_mib=stock[1], frictionless_exit=stock[2]
            )
            line += (
                f"; frictionless {stock[0]:.1f} s, {stock[1]} MiB, {_status(stock[2])}"
                f" -> {stock[0] / ours[0]:.1f}x faster"
            )
        results.append(entry)
        print(line, flush=True)
    return results


def _target(name: str, checks: list[tuple[bool, str]] | None, missing: str = "") -> str:
    if checks is None:
        return f"  NOT MEASURED  {name} ({missing})"
    failed = [why for ok, why in checks if not ok]
    verdict = "NOT MET" if failed else "MET"
    return f"  {verdict:<12}  {name}: " + "; ".join(why for _, why in checks)


ORIGINAL_LINES = 6_150
"""The validator's size when issue 11 was filed (its figure: lines of the validation modules)."""


def validator_lines() -> int:
    """Lines (as `wc -l` counts them) of the validator's modules in this checkout."""
    folder = Path(__file__).resolve().parents[1] / "src" / "ukraine_talks_data" / "validate"
    return sum(len(p.read_bytes().splitlines()) for p in folder.rglob("*.py"))


def targets(results: dict[str, Any]) -> list[str]:
    """The issue's targets, MET or NOT MET, for whatever `results` measured."""
    real = {e["size"]: e for e in results.get("real", [])}
    synthetic = {e["size"]: e for e in results.get("validate", [])}
    lines = []
    e = real.get("100k")
    name = "real-shaped 100k at least 20x faster than stock Frictionless"
    if e and "frictionless_s" in e:
        ratio = e["frictionless_s"] / e["columns_s"]
        checks = [
            (e["columns_exit"] == 0, f"ukraine-talks {_status(e['columns_exit'])}"),
            (e["frictionless_exit"] == 0, f"frictionless {_status(e['frictionless_exit'])}"),
            (ratio >= 20, f"{ratio:.1f}x"),
        ]
        lines.append(_target(name, checks))
    else:
        lines.append(_target(name, None, "needs --shape real, 100k in --real-baseline-sizes"))
    e = real.get("1M")
    name = "real-shaped 1M valid, within 2x a bare pyarrow read, under 1 GiB"
    if e and "pyarrow_s" in e:
        ratio = e["columns_s"] / e["pyarrow_s"]
        checks = [
            (e["columns_exit"] == 0, _status(e["columns_exit"])),
            (ratio <= 2, f"{ratio:.2f}x the pyarrow read"),
            (e["columns_mib"] < 1024, f"{e['columns_mib']} MiB"),
        ]
        lines.append(_target(name, checks))
    else:
        lines.append(_target(name, None, "needs --shape real, 1M in --pyarrow-sizes"))
    e = real.get("10M")
    name = "real-shaped 10M completes under 1 GiB"
    if e:
        checks = [
            (e["columns_exit"] == 0, _status(e["columns_exit"])),
            (e["columns_mib"] < 1024, f"{e['columns_mib']} MiB, {e['columns_s']:.0f} s"),
        ]
        lines.append(_target(name, checks))
    else:
        lines.append(_target(name, None, "needs --shape real --real-sizes ...,10M"))
    e = synthetic.get("1M")
    name = "synthetic 1M at least 40x faster than stock Frictionless (under 1 GiB)"
    if e and "frictionless_s" in e:
        ratio = e["frictionless_s"] / e["columns_s"]
        checks = [
            (e["columns_exit"] == 0, _status(e["columns_exit"])),
            (ratio >= 40, f"{ratio:.1f}x"),
            (e["columns_mib"] < 1024, f"{e['columns_mib']} MiB"),
        ]
        lines.append(_target(name, checks))
    else:
        lines.append(_target(name, None, "needs --shape synthetic --sizes ...,1M with baseline"))
    size = validator_lines()
    name = f"validator code at most two thirds of its {ORIGINAL_LINES:,} lines"
    checks = [(size <= ORIGINAL_LINES * 2 // 3, f"{size:,} lines in validate/")]
    lines.append(_target(name, checks))
    e = results.get("shipped")
    name = "shipped package at least 2x faster than frictionless validate"
    if e:
        lines.append(_target(name, [(e["ratio"] >= 2, f"{e['ratio']:.1f}x")]))
    else:
        lines.append(_target(name, None, "skipped"))
    return lines


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
    parser.add_argument(
        "--shape",
        choices=["synthetic", "real", "both"],
        default="synthetic",
        help="validate synthetic packages (--sizes), real-shaped ones (--real-sizes) or both",
    )
    parser.add_argument(
        "--real-sizes", default="100k,1M", help="real-shaped package sizes: c50,100k,1M,10M"
    )
    parser.add_argument(
        "--real-baseline-sizes",
        default="100k",
        help="real-shaped sizes on which to run stock frictionless too (up to 1M: it takes "
        "tens of minutes at 1M; 'none' for none)",
    )
    parser.add_argument(
        "--pyarrow-sizes",
        default="c50,100k,1M",
        help="real-shaped sizes on which to time a bare pyarrow read (it holds every table)",
    )
    parser.add_argument(
        "--real-repeat", type=int, default=1, help="runs of ukraine-talks validate per real size"
    )
    parser.add_argument(
        "--guard-mib",
        type=int,
        default=8192,
        help="kill a measured child whose resident memory passes this (0: no limit)",
    )
    parser.add_argument(
        "--guard-seconds",
        type=float,
        default=3600,
        help="kill a measured child that runs longer than this (0: no limit)",
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
    global GUARD
    GUARD = Guard(args.guard_mib, args.guard_seconds)
    labels = [s for s in args.sizes.split(",") if s]
    for label in labels:
        size_of(label)  # fails early on a bad size
    real_labels = [s for s in args.real_sizes.split(",") if s]
    real_baseline = set(args.real_baseline_sizes.split(","))
    for label in real_labels:
        copies = copies_of(label)  # fails early on a bad size
        if label in real_baseline and copies > copies_of("1M"):
            sys.exit(f"stock frictionless on the real-shaped {label} would take hours: up to 1M")
    baseline = set((args.baseline_sizes or args.sizes).split(","))
    skip = set(args.skip.split(","))
    if not shutil.which("frictionless", path=str(BIN)):
        sys.exit(f"frictionless is not installed in {BIN}")
    # Bytecode as `pip install` leaves it (an editable install compiles nothing, and with
    # PYTHONDONTWRITEBYTECODE every run would compile the package again).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    results: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv)}
    print(json.dumps(results["machine"]), flush=True)
    if "validate" not in skip and args.shape in ("real", "both"):
        results["real"] = bench_real(
            real_labels, real_baseline, set(args.pyarrow_sizes.split(",")), args.real_repeat
        )
    if "validate" not in skip and args.shape in ("synthetic", "both"):
        agree = set(args.agree_sizes.split(","))
        results["validate"] = bench_validate(labels, baseline, agree, args.validate_repeat)
    if "import" not in skip:
        results["import"] = bench_import(max(args.repeat, 20))
    if "load" not in skip:
        results["load"] = bench_load(labels, args.repeat)
    if "shipped" not in skip:
        results["shipped"] = bench_shipped(args.repeat)
    results["load_average_after"] = os.getloadavg()
    results["targets"] = targets(results)
    print("targets:")
    for line in results["targets"]:
        print(line)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"load average after: {results['load_average_after']}; results in {OUT}/results.json")


if __name__ == "__main__":
    main()
