"""Printing a `query.Selection` in the terminal as a rich table, evidence beside each row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .query import Selection, Span

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text


def span_text(span: Span) -> Text:
    """A span as `S003 [120:180]`, the quoted characters, then `— ` and the source's title."""
    from rich.text import Text

    return Text.assemble(
        (span.source_id, "bold"),
        f" [{span.start_char}:{span.end_char}]\n",
        (f"“{span.text}”", "italic"),
        "\n",
        (f"— {span.source_title}", "dim"),
    )


def print_selection(selection: Selection, console: Console | None = None) -> None:
    """Print the rows of `selection`: each row's fields beside its evidence spans.

    Fields are stacked (name, value; empty ones left out) in the first column so that rows
    stay readable in a narrow terminal; the second column holds the evidence. On a terminal
    the table fits its width; piped or redirected (no `console` given), nothing is wrapped
    but at the data's own line breaks.
    """
    from rich.console import Console
    from rich.measure import Measurement

    if console is None:
        console = Console()
        if not console.is_terminal:
            table = _table(selection, fit=False)
            wide = console.options.update_width(1_000_000)
            width = Measurement.get(console, wide, table).maximum
            Console(width=max(width, 40), file=console.file).print(table)
            return
    console.print(_table(selection, fit=True))


def _table(selection: Selection, fit: bool) -> Table:
    """The rich table of `selection`; `fit`: columns share the console's width 2:3."""
    from rich.table import Table
    from rich.text import Text

    count = len(selection.rows)
    title = f"{selection.table}: {count} row{'s' * (count != 1)}"
    if selection.filters.describe():
        title += f" ({selection.filters.describe()})"
    # The title holds what the user searched for: Text, so `--search "[/x]"` is not markup.
    table = Table(title=Text(title), show_lines=True, title_justify="left", expand=fit)
    table.add_column(Text(selection.table), ratio=2 if fit else None, overflow="fold")
    header = Text("evidence: source [start:end], text, title")
    table.add_column(header, ratio=3 if fit else None, overflow="fold")
    for row in selection.rows:
        fields = Table.grid(padding=(0, 1))
        fields.add_column(style="dim", no_wrap=True)
        fields.add_column(overflow="fold")
        for column in selection.columns:
            value = selection.display(row, column)
            if value:
                # Text(), never markup: the data may hold square brackets.
                fields.add_row(Text(column), Text(value))
        evidence = Text("\n\n").join(span_text(s) for s in row.spans) if row.spans else Text("—")
        table.add_row(fields, evidence)
    return table
