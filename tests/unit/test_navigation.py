"""Pages and roles: every role has a home, nothing outside its list, every page guards itself."""

import ast
import re

import pytest

from hxgy.config import PROJECT_ROOT
from hxgy.models import ROLES
from hxgy.navigation import PAGES, landing_page, page_allowed, pages_for_role

LANDING = {"district": "district", "meeting": "meeting", "head_teacher": "todo", "teacher": "todo"}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lands_on_its_home_first_in_its_menu(role) -> None:
    """A head or subject teacher lands on 待办 (what is due in their classes), the school's leaders on 总览."""
    sections = pages_for_role(role)
    first = next(iter(sections.values()))[0]
    assert first == landing_page(role)
    assert first.key == LANDING.get(role, "overview")


def test_the_meeting_screen_sees_only_the_slides() -> None:
    assert [p.key for pages in pages_for_role("meeting").values() for p in pages] == ["meeting"]


@pytest.mark.parametrize("role", ROLES)
def test_a_role_gets_exactly_the_pages_that_allow_it(role) -> None:
    listed = {p.key for pages in pages_for_role(role).values() for p in pages}
    assert listed == {p.key for p in PAGES if role in p.roles}
    for page in PAGES:
        assert page_allowed(role, page.key) == (page.key in listed)


def test_the_meeting_screen_cannot_reach_account_settings() -> None:
    assert not page_allowed("meeting", "account")
    assert not page_allowed("principal", "no-such-page")


def _first_statement(function: ast.FunctionDef) -> str:
    body = function.body[1:] if isinstance(function.body[0], ast.Expr) else function.body  # after the docstring
    return ast.unparse(body[0])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_every_page_file_guards_itself_before_anything_else(page) -> None:
    """With a pages/ folder Streamlit may run a page without app.py; the page must check login itself.

    A measure page opens with hxgy.ui.measure_page.open_page, whose first statement is the guard of its key.
    """
    module = ast.parse((PROJECT_ROOT / page.path).read_text(encoding="utf-8"))
    docstring = module.body[:1] if ast.get_docstring(module) is not None else []
    statements = [
        s for s in module.body if s not in docstring and not isinstance(s, ast.Import | ast.ImportFrom)
    ]  # a docstring of several lines, then the imports
    body = [ast.unparse(statements[0]).replace("'", '"')]
    if body[0].startswith("page = open_page("):
        assert re.fullmatch(rf'page = open_page\("{page.key}", [^)]*\)', body[0]), body[0]
        shell = ast.parse((PROJECT_ROOT / "hxgy/ui/measure_page.py").read_text(encoding="utf-8"))
        open_page = next(f for f in shell.body if isinstance(f, ast.FunctionDef) and f.name == "open_page")
        assert open_page.args.args[0].arg == "page"
        assert _first_statement(open_page) == "user = ui.guard(page)"
        return
    assert re.fullmatch(rf'user = ui\.guard\("{page.key}"\)', body[0]), body[0]


def test_every_file_in_pages_is_a_registered_page() -> None:
    files = {f"pages/{p.name}" for p in (PROJECT_ROOT / "pages").glob("*.py")}
    assert files == {p.path for p in PAGES}
