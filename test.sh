#!/usr/bin/env bash
# Install the test dependencies and run the whole suite: ./test.sh [pytest arguments]
# Runs lint, the type check and the dependency audit, then every test on SQLite, then the tests that run SQL
# (marked "db", see tests/conftest.py) again on PostgreSQL (when a server answers; on CI it must).
# Tests run in parallel, one worker per core (HXGY_TEST_WORKERS to change). Browser tests use Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-system.sh
scripts/setup-venv.sh requirements-dev.txt

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy  # hxgy/, app.py and pages/ (pyproject.toml [tool.mypy])
scripts/audit.sh  # pip-audit of every pinned package (docs/security.md)

pg_url="${HXGY_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
unset HXGY_TEST_DATABASE_URL HXGY_DATABASE_URL HXGY_TODAY HXGY_COOKIE_KEY

workers="${HXGY_TEST_WORKERS:-auto}"
parallel=(-n "$workers" --dist worksteal --durations=25)

echo "== tests on SQLite"
.venv/bin/python -m pytest "${parallel[@]}" "$@"

if .venv/bin/python -c "import sys, sqlalchemy; sqlalchemy.create_engine(sys.argv[1]).connect().close()" "$pg_url" 2>/dev/null; then
    echo "== tests that run SQL, again on PostgreSQL"
    HXGY_TEST_DATABASE_URL="$pg_url" .venv/bin/python -m pytest -m db "${parallel[@]}" "$@"
elif [ "${CI:-}" = "true" ]; then
    echo "CI: PostgreSQL at $pg_url does not answer" >&2
    exit 1
else
    echo "PostgreSQL at $pg_url does not answer: skipped the PostgreSQL run (set HXGY_TEST_DATABASE_URL)" >&2
fi
