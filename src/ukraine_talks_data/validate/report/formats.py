"""Rendering a validation Report: text for people, GitHub annotations for pull requests, JSON.

- text: one line per issue, `file:row:field: code: message (value: …)` (warnings read
  `file:row:field: warning: code: …`; a row that starts on another line, below a cell
  holding a line break, ends `(row 9 starts on line 12)`), grouped by file with each
  file's errors before its warnings, then one summary line. Colour only when asked (the
  CLI asks on a terminal): each line is a rich `Text` (the data never read as markup),
  printed by rich in colour, else its plain text.
- github: one workflow command per issue, `::error file=…,line=…,title=code::line`
  (`::warning` for warnings), so that each appears on the pull request's diff; `line` is
  the physical line where the row starts.
- json: the whole report (`Report.to_dict()`): every listed issue, whatever `max_errors`,
  and what the validator counted without listing (`omitted`, `issue_limit`).

`max_errors` limits how many errors (and, separately, warnings) are printed; the summary
says how many were left out, and the exit code still reflects them all. Beyond the
validator's own limit (`validate_package(issue_limit=…)`), a line per file says how many
more it found.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .issues import Issue, Report, Severity, counted, escaped, order

if TYPE_CHECKING:
    from rich.text import Text

FORMATS = ("text", "github", "json")


def render(
    report: Report, fmt: str = "text", *, max_errors: int | None = None, color: bool = False
) -> str:
    """The report in format `fmt` (text, github or json), ending with a newline."""
    if fmt == "json":
        return report.to_json() + "\n"
    if fmt == "github":
        return render_github(report, max_errors=max_errors)
    if fmt == "text":
        return render_text(report, max_errors=max_errors, color=color)
    raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")


def render_text(report: Report, *, max_errors: int | None = None, color: bool = False) -> str:
    """One line per issue, grouped by file, then what was left out and the summary."""
    shown, hidden = _limited(report, max_errors)
    left_out = _left_out(hidden, max_errors) + _not_listed(report)
    if not color:
        lines = [issue.line(report.line_of(issue)) for issue in shown]
        lines += [*left_out, summary(report)]
        return "\n".join(lines) + "\n"
    from rich.text import Text

    styled = [_styled(issue, report.line_of(issue)) for issue in shown]
    styled += [Text(line) for line in left_out]
    status = Text(summary(report))  # `valid` in bold green, `INVALID` in bold red
    status.stylize("bold green" if report.valid else "bold red", 0, status.plain.index(":"))
    return _ansi([*styled, status])


def render_github(report: Report, *, max_errors: int | None = None, cwd: Path | None = None) -> str:
    """GitHub workflow commands: one `::error` or `::warning` annotation per issue."""
    prefix = _repository_prefix(Path(report.package).parent, cwd or Path.cwd())
    shown, hidden = _limited(report, max_errors)
    lines = []
    for issue in shown:
        props, line = [], report.line_of(issue)
        if prefix is not None:
            props.append(f"file={_property(prefix + issue.file)}")
            if line is not None:
                props.append(f"line={line}")
        props.append(f"title={_property(issue.code)}")
        lines.append(f"::{issue.severity} {','.join(props)}::{_data(issue.line(line))}")
    lines.extend(_left_out(hidden, max_errors) + _not_listed(report))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    """`valid: …` or `INVALID: …` with the counts of errors, warnings, tables and rows, and
    the tables whose rows were not checked."""
    rows = sum(report.checked.values())
    unchecked = (
        f"; the dataset's rules could not read {', '.join(report.unchecked)} (fix the errors "
        "above first)"
        if report.unchecked
        else ""
    )
    return (
        f"{'valid' if report.valid else 'INVALID'}: {report.package}: "
        f"{counted(report.count('error'), 'error')}, "
        f"{counted(report.count('warning'), 'warning')}; "
        f"{counted(len(report.checked), 'table')}, {counted(rows, 'row')} checked{unchecked}"
    )


def _limited(report: Report, max_errors: int | None) -> tuple[list[Issue], Counter[Severity]]:
    """The issues to print under the limit (grouped by file; within a file errors first,
    each by row and field), and how many errors and warnings are left out."""
    shown: list[Issue] = []
    hidden: Counter[Severity] = Counter()
    printed: Counter[Severity] = Counter()
    for issue in sorted(
        report.issues,
        key=lambda i: (i.file, i.severity != "error", order(i)),
    ):
        if max_errors and printed[issue.severity] >= max_errors:
            hidden[issue.severity] += 1
        else:
            printed[issue.severity] += 1
            shown.append(issue)
    return shown, hidden


def _left_out(hidden: Counter[Severity], max_errors: int | None) -> list[str]:
    if not any(hidden.values()):
        return []
    return [f"… {_more(hidden)} not shown (--max-errors {max_errors}; 0 shows all)"]


def _not_listed(report: Report) -> list[str]:
    """A line per file whose issues the validator counted beyond its limit."""
    first = (
        "the first of each code is"
        if report.issue_limit == 1
        else f"the first {report.issue_limit} of each code are"
    )
    return [
        f"… {escaped(file)}: {_more(counts)} not listed ({first}; --issue-limit 0 lists all)"
        for file, counts in sorted(report.omitted.items())
    ]


def _more(counts: Mapping[Severity, int]) -> str:
    """`2 more errors and 1 more warning`: each kind counted above 0, by name."""
    return " and ".join(counted(n, f"more {kind}") for kind, n in sorted(counts.items()) if n)


def _styled(issue: Issue, physical: int | None) -> Text:
    """The issue's line with the address in bold and the code in red (warnings yellow)."""
    from rich.text import Text

    line = issue.line(physical)
    where = issue.where()
    label = ("warning: " if issue.severity == "warning" else "") + issue.code
    text = Text(line)  # the data as it is, never markup
    text.stylize("bold", 0, len(where))
    start = len(where) + 2
    text.stylize("red" if issue.severity == "error" else "yellow", start, start + len(label))
    return text


def _ansi(lines: list[Text]) -> str:
    """The lines in ANSI colour, one per line and never wrapped, whatever the environment
    says (NO_COLOR, TERM, the terminal's width): colour was asked for."""
    from rich.console import Console

    out = io.StringIO()
    console = Console(
        file=out,
        force_terminal=True,
        no_color=False,
        color_system="standard",
        width=max((line.cell_len for line in lines), default=80) + 1,
        soft_wrap=True,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    for line in lines:
        console.print(line)
    return out.getvalue()


def _repository_prefix(package_dir: Path, cwd: Path) -> str | None:
    """The package folder relative to the working directory (the repository root in CI),
    as a prefix for annotation paths; None when the package is outside it."""
    try:
        relative = Path(os.path.relpath(package_dir.resolve(), cwd.resolve()))
    except ValueError:  # another drive on Windows
        return None
    if relative.parts and relative.parts[0] == "..":
        return None
    text = relative.as_posix()
    return "" if text == "." else text + "/"


def _data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a workflow command's property value."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
