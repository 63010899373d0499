"""The command that keeps no personal data longer than the school's 留存年限: purge (docs/privacy.md)."""

from __future__ import annotations

import argparse

from hxgy import config, db
from hxgy.cli.common import cli_admin, schools_to_run
from hxgy.privacy.erase import erase_student
from hxgy.privacy.retention import due_for_erasure, retention_years


def cmd_purge(args: argparse.Namespace) -> int:
    """Erase every student who left more than the school's 留存年限 ago (each school, or --school's);
    --dry-run lists them and changes nothing. One transaction per school; the audit log gets one entry a student."""
    today = config.today()
    schools = schools_to_run(args.school)
    if schools is None:
        return 2
    total = 0
    for school_id, code, name in schools:
        with db.write_session() as session:
            user = cli_admin(session, code)
            if user is None:
                return 2
            years = retention_years(session, school_id)
            due = due_for_erasure(session, school_id, today=today)
            verb = "将删除" if args.dry_run else "删除"
            print(f"{name}（{code}）：留存年限 {years} 年，{verb} {len(due)} 名已离校学生的个人信息")
            for item in due:
                print(f"  {item.line()}")
                if not args.dry_run:
                    erase_student(session, user, item.student.id, today=today)
            total += len(due)
            if args.dry_run:
                session.rollback()
    if args.dry_run:
        print(f"试运行：共 {total} 名学生超过留存年限，未做任何修改（去掉 --dry-run 即执行删除）")
    else:
        print(f"完成：共删除 {total} 名学生的个人信息，各班各学期的统计数字不变")
    return 0
