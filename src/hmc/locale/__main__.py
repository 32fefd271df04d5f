"""Add a message to every catalogue: ``python -m hmc.locale add KEY --en TEXT --ar TEXT``.

A counted message gives one text per plural form, in the order of its catalogue's
``Plural-Forms`` header: ``--en ONE --en OTHER`` and six ``--ar`` (zero, one, two, few,
11–99, 100–102). Messages are kept sorted by key, so two branches that add messages merge.
"""

from __future__ import annotations

import argparse
from importlib.resources import files

from babel.messages.pofile import write_po

from hmc.locale import LANGUAGES, catalog


def add(key: str, texts: dict[str, list[str]]) -> None:
    """Add (or replace) message ``key`` in every language's catalogue."""
    for lang in LANGUAGES:
        found = catalog(lang)
        given = texts[lang]
        if len(given) not in (1, found.num_plurals):
            raise SystemExit(
                f"--{lang}: 1 text or {found.num_plurals} (a plural form each), not {len(given)}"
            )
        found.delete(key)  # Babel's add would keep an existing message's texts
        found.add(
            key if len(given) == 1 else (key, key), given[0] if len(given) == 1 else tuple(given)
        )
        path = files("hmc.locale") / lang / "LC_MESSAGES" / "messages.po"
        with open(str(path), "wb") as po:
            write_po(po, found, width=0, no_location=True, sort_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m hmc.locale", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    adding = commands.add_parser("add", help="add a message in every language")
    adding.add_argument("key", help="the message key, e.g. report_title")
    for lang in LANGUAGES:
        adding.add_argument(f"--{lang}", action="append", required=True, metavar="TEXT")
    args = parser.parse_args()
    add(args.key, {lang: getattr(args, lang) for lang in LANGUAGES})


if __name__ == "__main__":
    main()
