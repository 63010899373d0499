"""What README.md and docs/*.md say about the code, checked where a machine can check it.

- every file or folder they name (``hxgy/metrics/overview.py``, ``hxgy/transfer/rows/``, ``tests/builders.py`` …)
  exists, and so does every entry of README's "Where things are" tree, which lists every folder of hxgy/;
- a name written beside its file (``hxgy/metrics/overview.py: class_measures``), listed after its module
  (``hxgy.metrics.judging``: ``figure_cards``, ``status``) or in a table of modules (``| `hxgy/report/figures.py` |
  `gather` |``) is defined there;
- every ``python -m hxgy <command>`` is a command of the real parser, with options it has, and README shows every
  command;
- every dotted name in backticks (``hxgy.ui.entry.save``, ``hxgy.db.run_write``) imports or is an attribute of a
  module that does, and so does a short one named by its module (``judging.class_status``, ``ui.guard``); a short
  one that starts with a table's name (``school.response_limit_hours``) is a column of that table;
- every place docs/architecture.md's tables point at (a file, a module, a function) exists;
- every name in backticks that looks like code (``refresh_terms_on``, ``FigureCard``) is somewhere in the code;
- every step of ``./test.sh`` is named in docs/development.md and README.md;
- README's "What is on screen" lists every page with the roles navigation lets in.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import pkgutil
import re
from pathlib import Path

import hxgy
from hxgy.cli import build_parser
from hxgy.config import PROJECT_ROOT
from hxgy.models import Base
from hxgy.navigation import PAGES

DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
TOP_FOLDERS = ("hxgy", "pages", "db", "tests", "scripts", "bench")
FILE_PATH = re.compile(rf"(?<![\w./-])((?:{'|'.join(TOP_FOLDERS)})/(?:[\w./-]*\w\.(?:py|sh|md|txt)\b|[\w/-]*/))")
PATH_AND_NAME = re.compile(r"`((?:hxgy|pages|db)/[\w/]+\.py): (\w+)")
COMMAND = re.compile(r"python -m hxgy ([a-z][\w-]*)")
DOTTED = re.compile(r"`(hxgy(?:\.\w+)+)")
# a dotted name in backticks that is not hxgy's full name and not a file name: `judging.status`, `ui.entry.save`
SHORT_DOTTED = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?![\w.])")
FILE_SUFFIXES = {"py", "md", "txt", "sh", "toml", "xlsx", "xls", "csv", "docx", "pptx", "json", "png", "db"}
MODULES = sorted(m.name for m in pkgutil.walk_packages(hxgy.__path__, "hxgy.") if not m.name.endswith("__main__"))
TABLES = Base.metadata.tables
WRITTEN_BY_RUNS = {"bench/results/"}  # not in git: bench/run.py writes it


def _texts() -> dict[str, str]:
    return {str(path.relative_to(PROJECT_ROOT)): path.read_text(encoding="utf-8") for path in DOCS}


def _where(texts: dict[str, str], pattern: re.Pattern[str]) -> list[tuple[str, int, re.Match[str]]]:
    """Every match with its document and line."""
    found = []
    for doc, text in texts.items():
        for number, line in enumerate(text.splitlines(), start=1):
            found += [(doc, number, match) for match in pattern.finditer(line)]
    return found


def _defined_names(path: Path) -> set[str]:
    """The functions, classes and assignments of a module, the methods of its classes, and what it imports by name
    (``records.py`` names for the pages what contacts.py and the others define)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _has(found: object, attributes: list[str]) -> bool:
    for attribute in attributes:
        if not hasattr(found, attribute):
            return False
        found = getattr(found, attribute)
    return True


def _resolves(dotted: str) -> bool:
    """Whether the longest importable prefix of a dotted name has the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        return _has(module, parts[cut:])
    return False


def _short_name_wrong(dotted: str) -> str | None:
    """Why a short dotted name (``judging.status``) does not hold, or None when it holds or names no hxgy module.

    Its longest leading part that is the end of an hxgy module's name (``judging`` → hxgy.metrics.judging,
    ``ui.entry`` → hxgy.ui.entry) must have the rest as attributes, in at least one such module. A name whose
    first part is a table (``school.response_limit_hours``) is that table's column.
    """
    parts = dotted.split(".")
    if parts[-1] in FILE_SUFFIXES:
        return None
    column = len(parts) == 2 and parts[0] in TABLES
    if column and parts[1] in TABLES[parts[0]].columns:
        return None
    for cut in range(len(parts), 0, -1):
        tail = "." + ".".join(parts[:cut])
        modules = [m for m in MODULES if m.endswith(tail)]
        if modules:
            if any(_has(importlib.import_module(m), parts[cut:]) for m in modules):
                return None
            return f"not in {', '.join(modules)}" + (f" nor a column of table {parts[0]}" if column else "")
    return f"table {parts[0]} has no column {parts[1]}" if column else None


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(found[0].choices) if found else {}


def _tree_entries(readme: str) -> list[str]:
    """The paths of README's "Where things are" block: top-level entries and the files and folders under hxgy/."""
    block = readme.split("## Where things are", 1)[1].split("```", 2)[1]
    paths, parent = [], ""
    for line in block.splitlines():
        if not line.strip():
            continue
        name = line.split()[0]
        if line.startswith("  "):
            paths.append(parent + name)
        else:
            parent = name if name.endswith("/") else ""
            paths.append(name)
    return paths


def test_every_file_the_docs_name_exists() -> None:
    missing = [
        f"{doc}:{line} {m[1]}"
        for doc, line, m in _where(_texts(), FILE_PATH)
        if not (PROJECT_ROOT / m[1]).exists() and "*" not in m[1] and m[1] not in WRITTEN_BY_RUNS
    ]
    assert not missing, "the docs name files that do not exist:\n" + "\n".join(missing)


def test_every_entry_of_the_readme_tree_exists() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p for p in _tree_entries(readme) if not (PROJECT_ROOT / p).exists()]
    assert not missing, f"README's 'Where things are' lists what is not there: {missing}"


def test_the_readme_tree_lists_every_folder_of_hxgy() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(_tree_entries(readme))
    folders = {
        f"hxgy/{p.name}/" for p in (PROJECT_ROOT / "hxgy").iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    assert folders <= listed, f"add to README's 'Where things are': {sorted(folders - listed)}"


def test_a_name_written_beside_its_file_is_defined_there() -> None:
    wrong = []
    for doc, line, m in _where(_texts(), PATH_AND_NAME):
        path = PROJECT_ROOT / m[1]
        if not path.exists() or m[2] not in _defined_names(path):
            wrong.append(f"{doc}:{line} {m[1]}: {m[2]}")
    assert not wrong, "the docs place names in files that do not define them:\n" + "\n".join(wrong)


def test_every_command_the_docs_show_is_a_real_subcommand() -> None:
    commands = _subcommands(build_parser())
    unknown = [f"{doc}:{line} {m[1]}" for doc, line, m in _where(_texts(), COMMAND) if m[1] not in commands]
    assert not unknown, "the docs show commands python -m hxgy does not have:\n" + "\n".join(unknown)


def test_every_option_the_docs_show_is_an_option_of_its_command() -> None:
    """``python -m hxgy metrics --grade 3 --compare``, ``year add 2026 --term1 D:D``: each option exists."""
    commands = _subcommands(build_parser())
    wrong = []
    for doc, line, m in _where(_texts(), re.compile(r"python -m hxgy ([a-z][\w-]*)((?:(?!python -m hxgy).)*)")):
        parser = commands.get(m[1])
        if parser is None:
            continue  # test_every_command_the_docs_show_is_a_real_subcommand
        shown = re.split(r"`|\s{2,}(?=[^\s\[-])", m[2])[0]  # up to the closing backtick or the description
        words = shown.split()
        if words and words[0] in _subcommands(parser):
            parser = _subcommands(parser)[words[0]]
        wrong += [
            f"{doc}:{line} {m[1]} {option}"
            for option in re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", shown)
            if option not in parser._option_string_actions
        ]
    assert not wrong, "the docs show options the command does not have:\n" + "\n".join(wrong)


def test_the_readme_shows_every_command() -> None:
    commands = _subcommands(build_parser())
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in commands if f"python -m hxgy {c}" not in readme]
    assert not missing, f"README's 'Command line' does not show: {missing}"


def test_every_dotted_name_in_backticks_imports() -> None:
    broken = [f"{doc}:{line} {m[1]}" for doc, line, m in _where(_texts(), DOTTED) if not _resolves(m[1])]
    assert not broken, "the docs name modules or attributes that do not import:\n" + "\n".join(broken)


def test_a_short_dotted_name_is_in_its_module() -> None:
    wrong = []
    for doc, line, m in _where(_texts(), SHORT_DOTTED):
        if not m[1].startswith("hxgy.") and (why := _short_name_wrong(m[1])):
            wrong.append(f"{doc}:{line} {m[1]}: {why}")
    assert not wrong, "the docs name things their modules do not have:\n" + "\n".join(wrong)


# a module followed by the names it holds: `hxgy.metrics.judging`: `figure_cards`, `status` or
# `hxgy/meeting/slides.py: gather`, `build_deck`
LISTED = re.compile(r"`(hxgy(?:\.\w+)+|(?:hxgy|pages)/[\w/]+\.py)(?:`: |: )((?:`?\w+`(?:, )?)+)")


def test_names_listed_after_their_module_are_in_it() -> None:
    wrong = []
    for doc, line, m in _where(_texts(), LISTED):
        module = m[1] if "/" not in m[1] else m[1].removesuffix(".py").replace("/", ".")
        defined = _defined_names(PROJECT_ROOT / m[1]) if "/" in m[1] else set(dir(importlib.import_module(module)))
        for name in re.findall(r"(\w+)`", m[2]):
            if name not in defined:
                wrong.append(f"{doc}:{line} {m[1]}: {name}")
    assert not wrong, "the docs list names their modules do not have:\n" + "\n".join(wrong)


MODULE_ROW = re.compile(r"\| `((?:hxgy|pages)/[\w/]+\.py)`(?:, `[\w./]+`)? \| (.*)\|")


def test_a_table_of_modules_names_what_each_defines() -> None:
    """In a row that begins with a module (``| `hxgy/report/figures.py` | `gather` → `ReportFigures` |``), every
    name in backticks is defined in that module."""
    wrong = []
    for doc, line, m in _where(_texts(), MODULE_ROW):
        path = PROJECT_ROOT / m[1]
        defined = _defined_names(path) if path.exists() else set()
        wrong += [
            f"{doc}:{line} {m[1]}: {name}" for name in re.findall(r"`([A-Za-z_]\w*)`", m[2]) if name not in defined
        ]
    assert not wrong, "the docs' module tables name what the module does not define:\n" + "\n".join(wrong)


# names in backticks that are not the project's: nginx's ip_hash, pandas' NaT, SQLite's busy_timeout pragma, and
# the coverage chart's second selection, named in an f-string (f"{pick}_label")
NOT_OURS = {"ip_hash", "NaT", "busy_timeout", "pick_label"}


def _name_of(node: ast.AST) -> str | None:
    """The name a node defines or uses (a function, class, variable, argument, keyword, attribute, import, word)."""
    match node:
        case ast.FunctionDef() | ast.AsyncFunctionDef() | ast.ClassDef():
            return node.name
        case ast.Name():
            return node.id
        case ast.arg() | ast.keyword():
            return node.arg
        case ast.Attribute():
            return node.attr
        case ast.alias():
            return node.asname or node.name
        case ast.Constant(value=str() as word):
            return word
    return None


def _names_in_code() -> set[str]:
    """Every name the project's Python defines or uses, and every table and column."""
    names = {t.name for t in TABLES.values()} | {c.name for t in TABLES.values() for c in t.columns}
    for folder in TOP_FOLDERS:
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            names.update(filter(None, map(_name_of, ast.walk(ast.parse(path.read_text(encoding="utf-8"))))))
    return names


def test_every_code_name_in_backticks_is_in_the_code() -> None:
    """A name that looks like code (``refresh_terms_on``, ``FigureCard``, ``log_contact(``) is somewhere in it."""
    code = _names_in_code()
    looks_like_code = re.compile(r"`([A-Za-z_]\w*)[`(]")
    wrong = [
        f"{doc}:{line} {m[1]}"
        for doc, line, m in _where(_texts(), looks_like_code)
        if ("_" in m[1] or re.match(r"[A-Z][a-z]+[A-Z]", m[1]))
        and not m[1].startswith("HXGY_")
        and m[1] not in code | NOT_OURS
    ]
    assert not wrong, "the docs name what the code does not have:\n" + "\n".join(wrong)


ROLE_WORDS = {  # how README's "What is on screen" names roles
    "school roles": ("admin", "principal", "dean", "head_teacher", "teacher"),
    "writers": ("admin", "principal", "dean", "head_teacher", "teacher"),
    "meeting role": ("meeting",),
    "district": ("district",),
    "admin": ("admin",),
    "principal": ("principal",),
    "dean": ("dean",),
    "head teacher": ("head_teacher",),
    "head and subject teacher": ("head_teacher", "teacher"),
}


def test_the_readme_says_who_opens_each_page() -> None:
    """README's "What is on screen" has a row for every page, and its "who" names the roles navigation lets in."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    rows = readme.split("## What is on screen", 1)[1].split("\n\n", 2)[1].splitlines()[2:]
    who = {cells[0]: cells[1] for cells in ([c.strip() for c in row.strip("|").split("|")] for row in rows)}
    assert set(who) == {page.title for page in PAGES}, "README's 'What is on screen' lists other pages than PAGES"
    wrong = []
    for page in PAGES:
        said = {
            role for words, roles in ROLE_WORDS.items() if re.search(rf"\b{words}", who[page.title]) for role in roles
        }
        if said != set(page.roles):
            wrong.append(f"{page.title}: README says {sorted(said)}, navigation lets in {sorted(page.roles)}")
    assert not wrong, "\n".join(wrong)


def test_every_place_the_architecture_tables_point_at_exists() -> None:
    """Each backticked name in a row of docs/architecture.md's tables is a file, a module or something in one."""
    text = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows
    wrong = []
    for row in rows:
        for cell in row.strip("|").split("|")[1:]:
            for token in re.findall(r"`([^`]+)`", cell):
                name, _, defined = token.partition(": ")
                if "/" in name:
                    path = PROJECT_ROOT / name
                    ok = path.exists() and (not defined or defined in _defined_names(path))
                elif name.startswith("hxgy."):
                    ok = _resolves(name)
                elif name.startswith("python -m hxgy ") or name in TABLES:
                    ok = True
                elif "." in name:
                    ok = _short_name_wrong(name) is None and any(m.endswith("." + name.split(".")[0]) for m in MODULES)
                else:  # a bare name: a module's (follow_classes) or a role's
                    ok = any(name in _defined_names(Path(importlib.import_module(m).__file__ or "")) for m in MODULES)
                    ok = ok or name in {"admin", "principal", "dean", "head_teacher", "teacher", "meeting", "district"}
                if not ok:
                    wrong.append(f"{token!r} in {row[:60]}…")
    assert not wrong, "docs/architecture.md points at what is not there:\n" + "\n".join(wrong)


def test_every_step_of_test_sh_is_described() -> None:
    script = (PROJECT_ROOT / "test.sh").read_text(encoding="utf-8")
    steps = {
        "ruff check": ".venv/bin/ruff check",
        "ruff format": ".venv/bin/ruff format",
        "mypy": ".venv/bin/mypy",
        "scripts/audit.sh": "scripts/audit.sh",
        "pytest-xdist": "-n ",
        "marked `db`": "-m db",
    }
    assert all(command in script for command in steps.values()), "test.sh changed: update this test and the docs"
    for doc in ("README.md", "docs/development.md"):
        text = (PROJECT_ROOT / doc).read_text(encoding="utf-8")
        missing = [words for words in steps if words not in text]
        assert not missing, f"{doc} does not say that ./test.sh runs {missing}"
