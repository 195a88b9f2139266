"""Column helpers shared by the dataset rules that look a value up in another table by key."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


def looked_up(
    keys: pa.Array | pa.ChunkedArray, ids: pa.Array | pa.ChunkedArray, values: pa.Array
) -> pa.Array:
    """For each of `keys`, the entry of `values` at the position of that key in `ids` (null
    where the key is null or not found; the first row wins where `ids` repeats a key)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    positions = pc.index_in(keys, value_set=pc.cast(ids, pa.string()))
    taken = pc.take(values, positions)
    return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken


def first_of_group(groups: pa.Array | pa.ChunkedArray) -> pa.Array:
    """For each row, the position of the first row with the same value of `groups` (null where
    the value is null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    group = pc.index_in(groups, value_set=pc.unique(pc.drop_null(groups)))
    order = pa.array(range(len(groups)), pa.int64())
    firsts = (
        pa.table({"g": group, "i": order})
        .group_by("g", use_threads=False)
        .aggregate([("i", "min")])
        .filter(pc.is_valid(pc.field("g")))
        .sort_by("g")
    )
    taken = pc.take(firsts.column("i_min"), group)
    return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken
