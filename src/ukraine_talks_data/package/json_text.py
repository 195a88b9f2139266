"""Reading JSON as the package's files are read: UTF-8, a JSON value a writer can write back
(no NaN, no infinity, no number beyond a float, no key twice in an object, no half of a
surrogate pair, at most `MAX_JSON_DEPTH` levels deep), and every refusal saying where, in
lines and columns as an editor counts them (`JsonError`)."""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from typing import Any

MAX_JSON_DEPTH = 64


class JsonError(ValueError):
    """JSON that cannot be used; `line` is where the text stops being JSON, if it does."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.line = line


def load_json(data: bytes) -> Any:
    """Decode JSON bytes; JsonError (a ValueError with a readable reason, and the line
    where the text stops being JSON) for bad or too deep JSON."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        value = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_object
        )
    except json.JSONDecodeError as exc:
        line, column = _line_and_column(text, exc.pos)
        what = exc.msg.removesuffix(" at")  # "Invalid control character at"
        reason = f"not valid JSON ({what} at line {line}, column {column})"
        raise JsonError(reason, line) from None
    except RecursionError:
        raise JsonError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except _DuplicateKeyError as exc:
        second = _second_key_line(text)
        where = f", the second time on line {second}" if second else ""
        raise JsonError(
            f"not usable JSON (the key {exc.key!r} appears twice in one object{where}; JSON "
            "readers differ on which they keep)",
            second,
        ) from None
    except _BeyondFloatError as exc:
        number_line = _number_line(text, re.escape(exc.number))
        raise JsonError(
            f"not usable JSON (the number {exc.number}{_on(number_line)} is beyond the range of a "
            "64-bit float)",
            number_line,
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        reason, number_line = str(exc), None
        if "int_max_str_digits" in reason:  # Python's own advice, not the package's
            limit = sys.get_int_max_str_digits()
            number_line = _number_line(text, rf"-?\d{{{limit + 1},}}")
            reason = f"a number{_on(number_line)} has more than {limit} digits"
        raise JsonError(f"not usable JSON ({reason})", number_line) from None
    if isinstance(value, dict | list) and _depth(value) > MAX_JSON_DEPTH:
        raise JsonError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    _refuse_lone_surrogates(value)
    return value


def _refuse_lone_surrogates(value: Any) -> None:
    """ValueError if a string or key of `value` holds half a surrogate pair.

    JSON may escape one (`"\\ud800"`) and Python decodes it to a string that is not
    Unicode text: every later writer of the descriptor (`build`, `cite`, the exports)
    fails to encode it as UTF-8, so a package holding one must not be called valid.
    Encoding the value whole finds one anywhere, keys included (its depth is already
    bounded).
    """
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        half = exc.object[exc.start]  # the first of a run
        raise JsonError(
            f"not usable JSON (a string holds {half.encode('unicode_escape').decode()}, "
            "half of a UTF-16 surrogate pair, which is not text)"
        ) from None


class _DuplicateKeyError(ValueError):
    """A key twice in one JSON object (`_object`)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key appears twice in it: JSON readers differ on which
    of the two they keep (Python's and Frictionless's the last, others the first)."""
    value = dict(pairs)
    if len(value) < len(pairs):
        raise _DuplicateKeyError(next(k for k, n in Counter(k for k, _ in pairs).items() if n > 1))
    return value


_JSON_MARK = re.compile(r'[{}\[\]"]')
_COLON = re.compile(r"[ \t\n\r]*:")


def _second_key_line(text: str) -> int | None:
    """The line where a key comes a second time, in the first object to close holding a
    key twice (the one `_object` refused: the decoder calls it as each object closes).
    Only on that error, `text` is walked again without recursion: its containers, and its
    strings as the json module reads them (escapes decoded, so `"n\\u0061me"` is `name`)."""
    from json.decoder import scanstring  # type: ignore[attr-defined]

    opened: list[tuple[set[str] | None, int | None]] = []  # keys (None: an array), a repeat
    at = 0
    try:
        while (mark := _JSON_MARK.search(text, at)) is not None:
            at = mark.end()
            if mark.group() == '"':
                key, at = scanstring(text, at)
                keys, repeat = opened[-1] if opened else (None, None)
                if keys is not None and _COLON.match(text, at):
                    if key in keys and repeat is None:
                        opened[-1] = (keys, mark.start())
                    keys.add(key)
            elif mark.group() in "{[":
                opened.append((set() if mark.group() == "{" else None, None))
            else:
                keys, repeat = opened.pop()
                if repeat is not None:
                    return _line_and_column(text, repeat)[0]
    except (ValueError, IndexError):  # not JSON after all: no line
        pass
    return None


_LINE_END = re.compile(r"\r\n|\r|\n")


def _line_and_column(text: str, at: int) -> tuple[int, int]:
    """The line and column (from 1) of position `at` of `text`, whose lines may end in LF,
    CRLF or CR alone (the json module counts LFs only: a CR-only file is all line 1)."""
    ends = [m.end() for m in _LINE_END.finditer(text, 0, at)]
    return len(ends) + 1, at - (ends[-1] if ends else 0) + 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _BeyondFloatError(ValueError):
    """A JSON number no float holds (`_finite`)."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent, as a float; refused when no float holds
    it (`1e400` would be infinity, which JSON cannot write back: `_no_constant`)."""
    value = float(text)
    if math.isinf(value):
        raise _BeyondFloatError(text)
    return value


def _number_line(text: str, number: str) -> int | None:
    """The line of the first value matching the regex `number` (after `:`, `[` or `,`,
    before `,`, `]` or `}`) outside every string, found again only on an error about that
    number: strings are matched first and passed over, in one linear scan."""
    pattern = rf'"(?:[^"\\]|\\.)*"|[:\[,]\s*({number})\s*(?=[,\]}}])'
    for found in re.finditer(pattern, text):
        if found.group(1) is not None:
            return _line_and_column(text, found.start(1))[0]
    return None


def _on(line: int | None) -> str:
    return f" on line {line}" if line else ""


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value (a scalar is 1 deep, `{"a": 1}` 2), computed level by
    level without recursion, holding only the containers of one level at a time, and no
    further than one level past MAX_JSON_DEPTH."""
    deepest, level, containers = 1, 1, [value]
    while containers and level <= MAX_JSON_DEPTH:
        below: list[Any] = []
        for item in containers:
            inner = item.values() if isinstance(item, dict) else item
            if inner:
                deepest = level + 1
                below.extend(v for v in inner if isinstance(v, dict | list))
        containers, level = below, level + 1
    return deepest
