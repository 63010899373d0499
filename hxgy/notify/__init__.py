"""Reminders and digests through the channels schools use (docs/notify.md).

- ``channels``: 企业微信 and 钉钉 group robots (webhooks, 钉钉 signed) and email over SMTP; answers checked;
- ``secrets``: the channels' secrets, encrypted in the database or from the environment, shown masked;
- ``setup``: 设置 → 消息提醒's reads and writes (channels, schedule, email addresses), audited;
- ``due``: what is due for a school now (from hxgy.todo, hxgy.report), each with a unique key;
- ``log``: the message log: claimed before sending (once), sent or failed (tried again next run);
- ``run``: one run of ``python -m hxgy notify``, and the page's 发送测试消息.
"""
