"""`SeedBytes.slices`: `seed[start:end]` (Python `str` indices) for many spans at once; the
memory a large seed takes, a seed named by many sources rows, seeds too large together."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pytest

from conftest import read_rows, write_rows
from damage import report_lines
from ukraine_talks_data.package.sources import SourceText, source_text
from ukraine_talks_data.validate import Engine, validate_package
from ukraine_talks_data.validate.tables import context, seed_slices
from ukraine_talks_data.validate.tables.seed_slices import SeedBytes

ALPHABETS = {
    "ascii": "ab \n.",
    "two-byte": "aé\u0301ñ ",  # é, a combining acute accent, ñ
    "three-byte": "a’€\u2028 ",
    "astral": "a😀𝕏\U0001f1fa\U0001f1e6 ",  # emoji, math letter, a flag's two halves
    "mixed": "ab \r\n\x00’é😀\ufeff",
}


@pytest.mark.parametrize("piece", [3, 64, 1 << 24], ids=["3 bytes", "64 bytes", "default"])
@pytest.mark.parametrize("alphabet", ALPHABETS.values(), ids=list(ALPHABETS))
def test_slices_are_python_slices(
    monkeypatch: pytest.MonkeyPatch, alphabet: str, piece: int
) -> None:
    """Every span of every seed reads `seed[start:end]`, whatever the characters' UTF-8
    lengths and wherever a scanned piece of the seed ends (inside a character too)."""
    monkeypatch.setattr(seed_slices, "PIECE", piece)
    rnd = random.Random(piece)
    seeds = {f"S{i}": "".join(rnd.choices(alphabet, k=rnd.randrange(1, 200))) for i in range(4)}
    texts = list(seeds.values())
    spans = []
    for _ in range(2000):
        which = rnd.randrange(len(texts))
        start = rnd.randrange(len(texts[which]))
        spans.append((which, start, rnd.randrange(start + 1, len(texts[which]) + 1)))
    which, start, end = (pa.array(column, pa.int64()) for column in zip(*spans, strict=True))
    got = SeedBytes(seeds).slices(which, start, end).to_pylist()
    assert got == [texts[w][s:e] for w, s, e in spans]


def test_a_large_seed_takes_a_few_bytes_per_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    """A seed's code-point offsets take 4 bytes each, and building them at most a few more
    per byte: a 100 MB seed took 5 GB at its peak (48 bytes per byte: every byte widened to
    64 bits, and an 8-byte word per byte kept) and made a validation need 3.8 GB."""
    monkeypatch.setattr(seed_slices, "PIECE", 1 << 20)
    text = ("x" * 1000 + "é😀\n") * 4000  # 4 MB
    size = len(text.encode("utf-8"))
    previous = pa.default_memory_pool()
    pool = pa.proxy_memory_pool(previous)
    pa.set_memory_pool(pool)
    try:
        seed = SeedBytes({"S": text})
        held = pool.bytes_allocated()
        del seed
    finally:
        pa.set_memory_pool(previous)
    assert held <= 5 * size
    assert pool.max_memory() <= 10 * size


def _sources_naming_one_seed(package: Path, spellings: list[str], doubled_slash: bool) -> Path:
    """Rows added to the sources table, copies of the first with other ids, each naming
    the first row's seed by one of `spellings` (`{}` is its path, `doubled_slash`: written
    `seeds//…`); the seed's path."""
    path = package.parent / "data" / "sources.csv"
    rows = read_rows(path)
    seed = rows[0]["path"]
    written = seed.replace("/", "//") if doubled_slash else seed
    for n, spelling in enumerate(spellings):
        rows.append({**rows[0], "source_id": f"S9{n:02d}", "path": spelling.format(written)})
    write_rows(path, rows)
    return package.parent / seed


@pytest.mark.parametrize("engine", ["columns", "frictionless"])
def test_a_seed_named_by_many_sources_rows_is_read_once(
    package: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    """Rows naming one seed, however spelled, have it read and held once: 50 rows naming a
    10 MB seed took 48 s and 6.6 GB (read, decoded and copied into the span buffer 51
    times), now 4 s and 350 MB."""
    seed = _sources_naming_one_seed(package, ["./{}", "{}", "./{}"], doubled_slash=True)
    expected = report_lines(validate_package(package, engine=engine))
    decoded: list[Path] = []
    decode = source_text

    def counted(path: Path, data: bytes) -> SourceText:
        decoded.append(path.resolve())
        return decode(path, data)

    monkeypatch.setattr(context, "source_text", counted)
    assert report_lines(validate_package(package, engine=engine)) == expected
    assert expected[0] == 1 and expected[1]
    assert decoded.count(seed.resolve()) == 1, decoded


@pytest.mark.parametrize("engine", ["columns", "frictionless"])
def test_seeds_too_large_together_are_one_error(
    package: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    """Seeds of 2 GiB or more in all (eight of the 256 MiB a seed may have) cannot be held
    in one span buffer: one error, where the validator failed unexpectedly (ValueError)."""
    sizes = {r["path"]: (package.parent / r["path"]).stat().st_size for r in read_rows(
        package.parent / "data" / "sources.csv")}  # fmt: skip
    monkeypatch.setattr(seed_slices, "MAX_BYTES", sum(sizes.values()) - 1)
    assert report_lines(validate_package(package, engine=engine)) == (
        1,
        [
            f"data/sources.csv: seeds-too-large: the seed files have {sum(sizes.values()):,} "
            f"bytes together; spans are compared with seeds of less than "
            f"{sum(sizes.values()) - 1:,} bytes in all, so none was checked"
        ],
    )
