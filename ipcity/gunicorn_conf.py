"""gunicorn settings for `make serve` and deploy/ipcity-web.service (`gunicorn -c python:ipcity.gunicorn_conf`).

Every value comes from the environment, like the Django settings. Before any worker starts, the
master runs Django's system checks including the deployment ones and refuses to start on an error
(for instance the public development key, ipcity.E001); warnings are printed and serving goes on.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ipcity.lib.env import env_int, env_str

wsgi_app = "ipcity.wsgi:application"
bind = [env_str("IPCITY_BIND", "127.0.0.1:8000")]
# Sync workers: each handles one request at a time; a few per CPU, at most 8 by default.
workers = env_int("IPCITY_WEB_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8))
timeout = env_int("IPCITY_WEB_TIMEOUT", 120)  # large Excel exports take a while
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (bounded memory growth)
max_requests_jitter = 200
# Logs go to stdout/stderr: the journal under systemd, the terminal under `make serve`.
accesslog = "-"
errorlog = "-"
loglevel = env_str("IPCITY_WEB_LOG_LEVEL", "info")
# The proxy's X-Forwarded-For is logged next to the peer address.
access_log_format = '%(h)s %({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "ipcity-web"


def on_starting(server: Any) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings")
    import django
    from django.core import checks

    django.setup()
    messages = checks.run_checks(include_deployment_checks=True)
    for message in messages:
        print(f"ipcity: {message}", file=sys.stderr)
    errors = [m for m in messages if m.is_serious()]
    if errors:
        print(
            f"ipcity: 未启动：系统检查发现 {len(errors)} 个错误（见上）。/ Not started: system check errors.",
            file=sys.stderr,
        )
        sys.exit(1)
