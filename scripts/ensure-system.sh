#!/usr/bin/env bash
# What the tests need from the system, installed or started when we can:
#   Debian's chromium and fonts-noto-cjk (for the browser tests and Chinese text),
#   Debian's nginx (tests/e2e/test_nginx.py starts its own, from deploy/nginx/hxgy.conf),
#   and the local PostgreSQL server (for the second run of the suite).
# Never downloads a browser of its own (no `playwright install`).
set -uo pipefail

have_fonts() { fc-list :lang=zh 2>/dev/null | grep -q .; }

if ! command -v chromium >/dev/null 2>&1 || ! have_fonts; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing chromium and fonts-noto-cjk from Debian"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q chromium fonts-noto-cjk >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-noto-cjk >/dev/null; } \
            || echo "could not install chromium; browser tests will be skipped (fail on CI)" >&2
    else
        echo "chromium or CJK fonts missing: sudo apt-get install chromium fonts-noto-cjk" >&2
    fi
fi

# nginx is looked for in /usr/sbin too: root's PATH has it, a user's may not.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing nginx from Debian"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q nginx >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q nginx >/dev/null; } \
            || echo "could not install nginx; the nginx test will be skipped (fail on CI)" >&2
    else
        echo "nginx missing: sudo apt-get install nginx" >&2
    fi
fi

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        echo "starting the local PostgreSQL"
        for version in /etc/postgresql/*; do
            pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start 2>/dev/null || true
        done
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
fi
exit 0
