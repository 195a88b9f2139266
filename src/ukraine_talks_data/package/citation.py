"""How to cite the dataset, from the one place that says it: the bundled datapackage.json.

Title (after the package name), description, version, release date (`created`), authors
(`contributors` with the role `author`), licences and keywords are read from the
descriptor; `ukraine-talks cite` prints them as BibTeX, APA or CITATION.cff (`CITATION.cff`
at the repository root is the `cff` form, and a test keeps the two equal). The dataset has
no public home yet, so no URL of its own is given anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import LoadError
from .bundle import read_json

FORMATS = ("bibtex", "apa", "cff")
CFF_MESSAGE = "If you use this dataset, please cite it as below, with the version you used."


@dataclass(frozen=True)
class Citation:
    """What a reference to the dataset holds."""

    title: str
    abstract: str
    version: str
    released: dt.date
    authors: tuple[str, ...]
    licence: str
    keywords: tuple[str, ...]

    @classmethod
    def from_descriptor(cls, raw: dict[str, Any]) -> Citation:
        """The citation a datapackage.json's metadata gives."""
        authors = tuple(
            str(c["title"])
            for c in raw.get("contributors", [])
            if c.get("role", "contributor") == "author"
        )
        created = str(raw.get("created", ""))
        name = raw.get("name")
        return cls(
            title=f"{name}: {raw['title']}" if name else str(raw["title"]),
            abstract=str(raw.get("description", "")),
            version=str(raw["version"]),
            released=dt.date.fromisoformat(created[:10]),
            authors=authors,
            licence=" AND ".join(str(x["name"]) for x in raw.get("licenses", [])),
            keywords=tuple(str(k) for k in raw.get("keywords", [])),
        )

    def key(self) -> str:
        """A BibTeX key: the package name and version."""
        return "ukraine_talks_data_" + re.sub(r"\W", "_", self.version)

    def bibtex(self) -> str:
        """A BibTeX `@misc` entry (BibTeX has no dataset type; biblatex reads it too)."""
        authors = " and ".join("{" + _tex(a) + "}" for a in self.authors)
        fields = [
            ("author", authors),
            ("title", "{" + _tex(self.title) + "}"),
            ("year", str(self.released.year)),
            ("month", self.released.strftime("%b").lower()),
            ("version", _tex(self.version)),
            ("note", _tex(f"Dataset, version {self.version}. Data licence: {self.licence}")),
            ("keywords", _tex(", ".join(self.keywords))),
        ]
        body = ",\n".join(
            f"  {name} = {value if name == 'month' else '{' + value + '}'}"
            for name, value in fields
        )
        return f"@misc{{{self.key()},\n{body}\n}}\n"

    def apa(self) -> str:
        """An APA 7 reference (plain text; the title would be italic)."""
        authors = ", ".join(self.authors)
        year, version = self.released.year, self.version
        return f"{authors}. ({year}). {self.title} (Version {version}) [Data set].\n"

    def cff(self) -> str:
        """CITATION.cff (CFF 1.2.0), with a preferred citation of the dataset (a reference of
        type `data`, CFF's type for a data set)."""

        def entry(indent: str, kind: str) -> list[str]:
            lines = [f"{indent}type: {kind}", f"{indent}title: {_yaml(self.title)}"]
            lines += [f"{indent}authors:"]
            lines += [f"{indent}  - name: {_yaml(a)}" for a in self.authors]
            lines += [
                f"{indent}version: {_yaml(self.version)}",
                f"{indent}date-released: {self.released.isoformat()}",
                f"{indent}license: {_yaml(self.licence)}",
            ]
            return lines

        lines = [
            "# How to cite this dataset. Generated from datapackage.json: after changing",
            "# the version or the metadata there, run",
            "# `ukraine-talks cite --format cff > CITATION.cff`.",
            "cff-version: 1.2.0",
            f"message: {_yaml(CFF_MESSAGE)}",
            *entry("", "dataset"),
            f"abstract: {_yaml(self.abstract)}",
            "keywords:",
            *(f"  - {_yaml(k)}" for k in self.keywords),
            "preferred-citation:",
            *entry("  ", "data"),
            f"  year: {self.released.year}",
            f"  month: {self.released.month}",
        ]
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        """The citation in `fmt`: bibtex, apa or cff."""
        if fmt not in FORMATS:
            raise ValueError(
                f"unknown citation format {fmt!r}; choose one of: {', '.join(FORMATS)}"
            )
        return str(getattr(self, fmt)())


def _tex(text: str) -> str:
    """Text with BibTeX's special characters escaped."""
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def _yaml(text: str) -> str:
    """A YAML scalar: a double-quoted string (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def bundled_citation() -> Citation:
    """The citation of the installed version, from its bundled datapackage.json."""
    from .bundle import bundled_descriptor

    return citation_of(bundled_descriptor())


def citation_of(descriptor: Path) -> Citation:
    """The citation a datapackage.json file gives; a LoadError naming the file and what is
    wrong when it is missing, not JSON or lacks the metadata a citation needs."""
    path = Path(descriptor)
    raw = read_json(path)
    if not isinstance(raw, dict):
        raise LoadError(f"{path}: a descriptor is a JSON object, not {type(raw).__name__}")
    try:
        return Citation.from_descriptor(raw)
    except KeyError as exc:
        raise LoadError(f"{path} has no {exc.args[0]!r}, which a citation needs") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise LoadError(f"{path} has metadata a citation cannot use ({exc})") from None
