"""The notify job of deploy/ runs python -m hxgy notify every 15 minutes, and systemd accepts its units."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def test_the_notify_job_runs_every_quarter_of_an_hour(tmp_path: Path) -> None:
    service = (DEPLOY / "hxgy-notify.service").read_text(encoding="utf-8")
    timer = (DEPLOY / "hxgy-notify.timer").read_text(encoding="utf-8")
    command = next(line for line in service.splitlines() if line.startswith("ExecStart="))
    assert command.endswith("-m hxgy notify")
    assert "EnvironmentFile=/etc/hxgy/hxgy.env" in service  # the same database and cookie key as the app processes
    assert "OnCalendar=*:0/15" in timer and "Persistent=true" in timer
    cron = (PROJECT_ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "*/15 * * * *" in cron and "-m hxgy notify" in cron
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    for name, text in (("hxgy-notify.service", service), ("hxgy-notify.timer", timer)):
        # here the code lives in this checkout, not /opt/hxgy: systemd checks that ExecStart's program exists
        (tmp_path / name).write_text(text.replace("/opt/hxgy", str(PROJECT_ROOT)), encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "hxgy-notify.timer"), str(tmp_path / "hxgy-notify.service")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr
