"""The command that sends what is due: notify (docs/notify.md), run every 15 minutes by deploy/hxgy-notify.timer."""

from __future__ import annotations

import argparse

from hxgy import config, db
from hxgy.cli.common import schools_to_run
from hxgy.notify.run import run_school


def cmd_notify(args: argparse.Namespace) -> int:
    """Send every message due now (each school, or --school's); --dry-run lists them and sends nothing.

    Exit status 0 when nothing failed, 1 when some message failed (it is tried again by the next run)."""
    now = config.now()
    schools = schools_to_run(args.school)
    if schools is None:
        return 2
    engine = db.get_engine()
    sent = failed = skipped = would = 0
    for school_id, code, name in schools:
        setup, outcomes = run_school(engine, school_id, now=now, dry_run=args.dry_run)
        print(f"{name}（{code}）：{now:%Y-%m-%d %H:%M}，到期消息 {len(outcomes)} 条")
        for problem in setup.problems:
            print(f"  注意：{problem}")
        if not setup.robots and setup.mailer is None:
            print("  尚未启用任何渠道（设置 → 消息提醒）")
        for outcome in outcomes:
            print(f"  {outcome.line()}")
        sent += sum(o.status == "sent" for o in outcomes)
        failed += sum(o.status == "failed" for o in outcomes)
        skipped += sum(o.status == "skipped" for o in outcomes)
        would += sum(o.status == "would_send" for o in outcomes)
    if args.dry_run:
        print(f"试运行：将发送 {would} 条，已发送过 {skipped} 条；未发送任何消息（去掉 --dry-run 即发送）")
        return 0
    print(f"完成：发送 {sent} 条，失败 {failed} 条（下次运行时重试），已发送过 {skipped} 条")
    return 1 if failed else 0
