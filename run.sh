#!/usr/bin/env bash
# Start hxgy on SQLite with the demo school: ./run.sh   (then open http://localhost:8501)
# Creates .venv, installs the pinned packages, builds data/hxgy.db with the demo
# the first time, prints the demo accounts, and starts the app.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup-venv.sh requirements.txt
.venv/bin/python -m hxgy init --demo
exec .venv/bin/python -m streamlit run serve.py "$@"
