"""The monthly job of deploy/ runs the purge tests/unit/test_privacy_purge.py checks, and systemd accepts its units."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def test_the_monthly_job_runs_purge_for_real_on_the_first_of_each_month(tmp_path: Path) -> None:
    service = (DEPLOY / "hxgy-purge.service").read_text(encoding="utf-8")
    timer = (DEPLOY / "hxgy-purge.timer").read_text(encoding="utf-8")
    command = next(line for line in service.splitlines() if line.startswith("ExecStart="))
    assert command.endswith("-m hxgy purge")  # not --dry-run: the job erases; the comment shows how to look first
    assert "EnvironmentFile=/etc/hxgy/hxgy.env" in service  # the same database as the app processes
    assert "Type=oneshot" in service and "User=hxgy" in service
    assert "OnCalendar=*-*-01 03:30:00" in timer and "Persistent=true" in timer
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    for name, text in (("hxgy-purge.service", service), ("hxgy-purge.timer", timer)):
        # here the code lives in this checkout, not /opt/hxgy: systemd checks that ExecStart's program exists
        (tmp_path / name).write_text(text.replace("/opt/hxgy", str(PROJECT_ROOT)), encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "hxgy-purge.timer"), str(tmp_path / "hxgy-purge.service")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr
    calendar = subprocess.run(
        ["systemd-analyze", "calendar", "--iterations=2", "*-*-01 03:30:00"], capture_output=True, text=True
    )
    assert calendar.returncode == 0 and calendar.stdout.count("-01 03:30:00") >= 2, calendar.stdout
