#!/usr/bin/env bash
# Dependency audit: pip-audit looks up every pinned package of requirements.txt and
# requirements-dev.txt in PyPI's advisory data (OSV) and fails on any known vulnerability.
#
# Packages the advisory service could not look up are listed as "could not be audited".
# That is what happens on a machine whose package index is a mirror without PyPI's
# per-version JSON API (this project's build machines): the audit then passes with a
# warning. Set HXGY_AUDIT_STRICT=1 on a machine that reaches pypi.org, and every
# package must be audited.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
strict=()
[ "${HXGY_AUDIT_STRICT:-}" = "1" ] && strict=(--strict)
.venv/bin/pip-audit --no-deps --disable-pip --progress-spinner off "${strict[@]}" \
    -r requirements.txt -r requirements-dev.txt >"$out" 2>&1
status=$?
if grep -qE "Found [0-9]+ known vulnerabilit" "$out"; then
    cat "$out"
    echo "dependency audit: FAILED, known vulnerabilities above (upgrade the pin, see docs/development.md)" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    cat "$out"
    if [ "${#strict[@]}" -eq 0 ] && grep -qE "ConnectionError|ConnectTimeout|Max retries exceeded" "$out"; then
        echo "dependency audit: NOT RUN, the advisory service could not be reached" >&2
        exit 0
    fi
    echo "dependency audit: FAILED (see above)" >&2
    exit 1
fi
skipped=$(grep -c "could not be audited" "$out" || true)
total=$(grep -cE '^[A-Za-z0-9._-]+==' requirements.txt requirements-dev.txt | awk -F: '{s+=$2} END {print s}')
if [ "$skipped" -gt 0 ]; then
    echo "dependency audit: no known vulnerabilities, but $skipped of $total pinned packages could not be looked up" \
         "(the advisory service did not answer for them; HXGY_AUDIT_STRICT=1 makes this an error)" >&2
else
    echo "dependency audit: no known vulnerabilities in $total pinned packages"
fi
