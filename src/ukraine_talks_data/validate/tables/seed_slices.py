"""`seed[start:end]` for a million spans at once, as an Arrow string-view array over the seeds.

Offsets are Python `str` indices (code points). Each seed's code points are mapped to byte
offsets (the bytes that do not continue a UTF-8 sequence), and each span becomes a view
(length, prefix, buffer offset) into the seeds' bytes, so no text is copied and no Python
string is made. Comparing the views with the `text` column then checks every span.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..csv.records import counting

if TYPE_CHECKING:
    import pyarrow as pa

INLINE = 12  # string views hold strings of up to 12 bytes inline


def _bytes(data: bytes) -> pa.Array:
    import pyarrow as pa

    return pa.Array.from_buffers(pa.uint8(), len(data), [None, pa.py_buffer(data)])


MAX_BYTES = 2**31
"""The seeds' bytes a validation compares spans with at most (string views address them
with 32-bit offsets); `SeedsTooLargeError` beyond."""
PIECE = 1 << 24  # seed bytes scanned for code points at once (bounds the 8-byte indices)


class SeedsTooLargeError(ValueError):
    """The distinct seeds have `MAX_BYTES` or more together: their `size`."""

    def __init__(self, size: int) -> None:
        self.size, self.limit = size, MAX_BYTES
        super().__init__(
            f"the seed files have {size:,} bytes together; spans are compared with seeds of "
            f"less than {self.limit:,} bytes in all, so none was checked"
        )


class SeedBytes:
    """The seeds' UTF-8 bytes in one buffer, with the byte offset of every code point.

    Held: the bytes and a 4-byte offset per code point. A 100 MB seed took 5 GB and 20 s
    while an 8-byte word per byte was precomputed (and the lead-byte test widened every
    byte to 64 bits); each view's bytes are now taken for its span alone (`slices`).
    """

    def __init__(self, seeds: dict[str, str]) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        self.names = pa.array(list(seeds), pa.string())
        texts = list(seeds.values())
        distinct = {id(text): text for text in texts}  # a text several sources share, once
        place = {key: n for n, key in enumerate(distinct)}
        if sum(map(len, distinct.values())) >= MAX_BYTES:  # no fewer bytes than characters
            raise SeedsTooLargeError(sum(len(t.encode("utf-8")) for t in distinct.values()))
        encoded = [text.encode("utf-8") for text in distinct.values()]
        if sum(map(len, encoded)) + 16 >= MAX_BYTES:
            raise SeedsTooLargeError(sum(map(len, encoded)))
        blob = b"".join(encoded) + b"\0" * 16
        u8, i32 = pa.uint8(), pa.int32()
        mask, follower = pa.scalar(0xC0, u8), pa.scalar(0x80, u8)
        positions: list[pa.Array] = []
        bases, count, offset = [], 0, 0
        for data in encoded:
            points = []
            for at in range(0, len(data), PIECE):  # code points: the bytes not 10xxxxxx
                part = _bytes(data[at : at + PIECE])
                leading = pc.not_equal(pc.bit_wise_and(part, mask), follower)
                starts = pc.cast(pc.indices_nonzero(leading), i32)
                points.append(pc.add(starts, pa.scalar(offset + at, i32)))
            points.append(pa.array([offset + len(data)], i32))  # the end, as a code point
            positions += points
            bases.append(count)
            count, offset = count + sum(map(len, points)), offset + len(data)
        self.byte_of = pa.concat_arrays(positions) if positions else pa.array([], i32)
        self.bases = pa.array([bases[place[id(text)]] for text in texts], pa.int64())
        self.buffer = pa.py_buffer(blob)
        self.octets = _bytes(blob)
        self.masks = pa.array([0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF], pa.uint32())  # n kept
        self._orders: dict[int, pa.Array] = {}  # `_interleaved`, by length

    def slices(self, seeds: pa.Array, start: pa.Array, end: pa.Array) -> pa.Array:
        """`seeds[i][start:end]` for each row, as `string_view`, where `seeds` holds each
        row's index in the seeds (their order in the dict given).

        Every row must name a seed and have 0 <= start < end <= len(seed).
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        base = pc.take(self.bases, seeds)
        first = pc.cast(pc.take(self.byte_of, pc.add(base, start)), pa.int64())
        length = pc.subtract(pc.cast(pc.take(self.byte_of, pc.add(base, end)), pa.int64()), first)
        u32 = pa.uint32()

        def word(shift: int) -> pa.Array:
            """The bytes `shift` to `shift` + 4 of each slice, little-endian (those past its
            end as 0)."""
            octet = [pc.cast(pc.take(self.octets, pc.add(first, shift + j)), u32) for j in range(4)]
            found = octet[0]
            for j in range(1, 4):
                found = pc.bit_wise_or(found, pc.shift_left(octet[j], pa.scalar(8 * j, u32)))
            kept = pc.take(self.masks, pc.min_element_wise(pc.max_element_wise(
                pc.subtract(length, shift), 0), 4))  # fmt: skip
            return pc.bit_wise_and(found, kept)

        # A view: length, then 12 bytes: the string itself when it fits (up to `INLINE`
        # bytes, zero-padded), else its first 4 bytes, buffer index 0 and its offset.
        short = pc.less_equal(length, INLINE)
        fields = [
            pc.cast(length, u32),
            word(0),
            pc.if_else(short, word(4), pa.scalar(0, u32)),
            pc.if_else(short, word(8), pc.cast(first, u32)),
        ]
        views = pc.take(pa.concat_arrays(fields), self._interleaved(len(first)))
        n = len(first)
        return pa.Array.from_buffers(pa.string_view(), n, [None, views.buffers()[1], self.buffer])

    def _interleaved(self, n: int) -> pa.Array:
        """For four columns of `n` values one after the other, the order that takes them
        row by row (a view's four words). Kept for the longest `n` asked (a full batch)
        and the last other (a table's last, shorter batch)."""
        import pyarrow.compute as pc

        if n not in self._orders:
            k = pc.subtract(counting(4 * n), 1)  # 0, 1, …, 4n - 1
            row = pc.divide(k, 4)
            column = pc.subtract(k, pc.multiply(row, 4))
            longest = max(self._orders, default=n)
            self._orders = {m: a for m, a in self._orders.items() if m == longest}
            self._orders[n] = pc.add(pc.multiply(column, n), row)
        return self._orders[n]
