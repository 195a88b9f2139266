"""`SeedBytes.slices`: `seed[start:end]` (Python `str` indices) for many spans at once, and
the memory a large seed takes."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from ukraine_talks_data.validate.tables import seed_slices
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
