"""The daily job of deploy/ runs the command tests/unit/test_served_stats.py checks, and systemd accepts its units."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def test_the_daily_job_runs_refresh_stats_stale_every_night(tmp_path: Path) -> None:
    service = (DEPLOY / "hxgy-refresh.service").read_text(encoding="utf-8")
    timer = (DEPLOY / "hxgy-refresh.timer").read_text(encoding="utf-8")
    command = next(line for line in service.splitlines() if line.startswith("ExecStart="))
    assert command.endswith("-m hxgy refresh-stats --stale")
    assert "EnvironmentFile=/etc/hxgy/hxgy.env" in service  # the same database as the app processes
    assert "OnCalendar=*-*-* 00:05:00" in timer and "Persistent=true" in timer
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    for name, text in (("hxgy-refresh.service", service), ("hxgy-refresh.timer", timer)):
        # here the code lives in this checkout, not /opt/hxgy: systemd checks that ExecStart's program exists
        (tmp_path / name).write_text(text.replace("/opt/hxgy", str(PROJECT_ROOT)), encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "hxgy-refresh.timer"), str(tmp_path / "hxgy-refresh.service")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr
