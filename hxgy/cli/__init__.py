"""Command line: set up the database, load the demo, manage accounts.

python -m hxgy init [--demo]        migrate; first start: demo school or a first admin
python -m hxgy migrate              apply database migrations
python -m hxgy demo [--district N]  load the demo (or N benchmark schools) into an empty database
python -m hxgy create-user NAME --role ROLE --display-name TEXT [--school CODE] [--staff 工号]
python -m hxgy year add 2026 --start D --end D --term1 D:D --term2 D:D   a school year and its two terms
python -m hxgy year edit 2026 [--start D] [--end D] [--term1 D:D] [--term2 D:D]   change its dates
python -m hxgy year list            school years and terms
python -m hxgy accounts             list accounts
python -m hxgy metrics [--term NAME | --from D --to D] [--grade N | --class NAME] [--compare] [-o FILE]
                                    the per-class table of every measure (CSV, Excel or JSON)
python -m hxgy refresh-stats        recompute the pre-aggregated figures
python -m hxgy template KIND FILE   write the .xlsx import template of a kind of data
python -m hxgy import KIND FILE --user NAME [--good-rows-only]   import a filled template (.xlsx or .csv)
python -m hxgy export KIND FILE --user NAME [--term NAME]        export records in the template's columns
python -m hxgy report [--term NAME] [--grade N] [--school CODE] FILE   draft the term report (.docx)
python -m hxgy backup FILE          a complete, checked copy of the database (SQLite backup API or pg_dump)
python -m hxgy restore FILE --yes   replace the database's contents with a backup, in one step

Modules: ``main`` (the parser and ``main``), ``common`` (the school or account a command acts as),
``database`` (init, migrate, demo, refresh-stats, backup, restore), ``accounts`` (create-user, accounts),
``years`` (year), ``spreadsheets`` (template, import, export), ``reporting`` (metrics, report).
"""

from hxgy.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
