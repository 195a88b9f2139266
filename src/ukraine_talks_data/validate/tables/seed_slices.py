"""`seed[start:end]` for a million spans at once, as an Arrow string-view array over the seeds.

Offsets are Python `str` indices (code points). Each seed's code points are mapped to byte
offsets (the bytes that do not continue a UTF-8 sequence), and each span becomes a view
(length, prefix, buffer offset) into the seeds' bytes, so no text is copied and no Python
string is made. Comparing the views with the `text` column then checks every span.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

INLINE = 12  # string views hold strings of up to 12 bytes inline


def _bytes(data: bytes) -> pa.Array:
    import pyarrow as pa

    return pa.Array.from_buffers(pa.uint8(), len(data), [None, pa.py_buffer(data)])


class SeedBytes:
    """The seeds' UTF-8 bytes in one buffer, with the byte offset of every code point."""

    def __init__(self, seeds: dict[str, str]) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        self.names = pa.array(list(seeds), pa.string())
        encoded = [text.encode("utf-8") for text in seeds.values()]
        blob = b"".join(encoded) + b"\0" * 16
        if len(blob) >= 2**31:
            raise ValueError("seeds larger than 2 GiB")
        positions, bases, count, offset = [], [], 0, 0
        for data in encoded:
            leading = pc.not_equal(pc.bit_wise_and(_bytes(data), 0xC0), 0x80)
            starts = pc.cast(pc.indices_nonzero(leading), pa.int64())
            points = pa.concat_arrays([starts, pa.array([len(data)], pa.int64())])
            positions.append(pc.add(points, offset))
            bases.append(count)
            count, offset = count + len(points), offset + len(data)
        self.byte_of = pa.concat_arrays(positions) if positions else pa.array([], pa.int64())
        self.bases = pa.array(bases, pa.int64())
        self.buffer = pa.py_buffer(blob)
        self.blob = _bytes(blob)

    def slices(self, ids: pa.Array, start: pa.Array, end: pa.Array) -> pa.Array:
        """`seeds[id][start:end]` for each row, as `string_view`.

        Every row must name a seed and have 0 <= start < end <= len(seed).
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        base = pc.take(self.bases, pc.index_in(ids, value_set=self.names))
        first = pc.take(self.byte_of, pc.add(base, start))
        length = pc.subtract(pc.take(self.byte_of, pc.add(base, end)), first)
        u32 = pa.uint32()

        def word(at: pa.Array, limit: pa.Array | None) -> pa.Array:
            """The 4 bytes from `at`, little-endian; bytes at or past `limit` as 0."""
            result = None
            for j in range(4):
                byte = pc.cast(pc.take(self.blob, pc.add(at, j)), u32)
                if limit is not None:
                    byte = pc.if_else(pc.greater(limit, j), byte, pa.scalar(0, u32))
                byte = pc.shift_left(byte, pa.scalar(8 * j, u32))
                result = byte if result is None else pc.bit_wise_or(result, byte)
            return pc.cast(result, u32)

        n = len(first)
        prefix = word(first, None)
        second = pa.repeat(pa.scalar(0, u32), n)  # buffer index 0 for long strings
        third = pc.cast(first, u32)  # offset for long strings
        short = pc.fill_null(pc.less_equal(length, INLINE), False)
        rows = pc.indices_nonzero(short)
        if len(rows):
            at, size = pc.take(first, rows), pc.take(length, rows)
            inline = [word(pc.add(at, 4 * w), pc.subtract(size, 4 * w)) for w in range(3)]
            prefix = pc.replace_with_mask(prefix, short, inline[0])
            second = pc.replace_with_mask(second, short, inline[1])
            third = pc.replace_with_mask(third, short, inline[2])
        fields = pa.concat_arrays([pc.cast(f, u32) for f in (length, prefix, second, third)])
        order = pc.subtract(pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int64()), 4 * n)), 1)
        row = pc.divide(order, 4)
        column = pc.subtract(order, pc.multiply(row, 4))
        views = pc.take(fields, pc.add(pc.multiply(column, n), row))
        return pa.Array.from_buffers(pa.string_view(), n, [None, views.buffers()[1], self.buffer])
