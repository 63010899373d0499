"""Render deploy/nginx-hxgy.conf for a machine, or run a throwaway nginx with it (tests and bench/load.py).

    .venv/bin/python deploy/nginx.py --ports 8501 8502 --server-name hxgy.example.edu.cn \\
        --certificate /etc/ssl/hxgy/fullchain.pem --certificate-key /etc/ssl/hxgy/privkey.pem

prints the file for /etc/nginx/conf.d/hxgy.conf. The upload limit comes from .streamlit/config.toml, so nginx
and the app cannot disagree about it. tests/e2e/test_nginx.py runs Debian's nginx with the same file
(``LocalNginx``), on free ports with a self-signed certificate.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx-hxgy.conf"
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
# Our own certificate, made a moment ago: not checked by the probes of the test and the bench.
UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE
PLACE = re.compile(r"\{\{[A-Z_]+\}\}")
FORM_MB = 1  # room for the multipart form around a file of the largest size the app accepts


def upload_limit_mb() -> int:
    """server.maxUploadSize of .streamlit/config.toml (Streamlit's default is 200 MB)."""
    config = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))
    return int(config.get("server", {}).get("maxUploadSize", 200))


def render(
    ports: list[int],
    *,
    server_name: str,
    certificate: str,
    certificate_key: str,
    listen: str = "443",
    http_listen: str = "80",
    access_log: str = "/var/log/nginx/hxgy.access.log",
    app_host: str = "127.0.0.1",
) -> str:
    """deploy/nginx-hxgy.conf with every {{...}} filled in."""
    if not ports:
        raise ValueError("at least one app port")
    values = {
        "SERVERS": "\n".join(f"    server {app_host}:{port} max_fails=3 fail_timeout=10s;" for port in ports),
        "LISTEN": listen,
        "HTTP_LISTEN": http_listen,
        "SERVER_NAME": server_name,
        "CERTIFICATE": certificate,
        "CERTIFICATE_KEY": certificate_key,
        "ACCESS_LOG": access_log,
        "MAX_BODY": f"{upload_limit_mb() + FORM_MB}m",
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    left = PLACE.search(text)
    if left:
        raise ValueError(f"{TEMPLATE}: {left.group(0)} was left unfilled")
    return text


def nginx_binary() -> str | None:
    """Debian's nginx (root's PATH has /usr/sbin, a user's may not)."""
    return shutil.which("nginx") or (str(Path("/usr/sbin/nginx")) if Path("/usr/sbin/nginx").exists() else None)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with openssl (about 50 ms)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class LocalNginx:
    """Debian's nginx with deploy/nginx-hxgy.conf in a folder of its own: its pid, logs and temporary files.

    Listens on 127.0.0.1:``port`` (HTTPS) and ``http_port`` (the redirect). Runs in the foreground as a child.
    """

    def __init__(self, folder: Path, app_ports: list[int], port: int, http_port: int) -> None:
        self.folder = folder
        self.port = port
        self.url = f"https://127.0.0.1:{port}"
        self.http_url = f"http://127.0.0.1:{http_port}"
        self.access_log = folder / "access.log"
        self.error_log = folder / "error.log"
        folder.mkdir(parents=True, exist_ok=True)
        cert, key = self_signed_certificate(folder)
        site = render(
            app_ports,
            server_name="127.0.0.1",
            certificate=str(cert),
            certificate_key=str(key),
            listen=f"127.0.0.1:{port}",
            http_listen=f"127.0.0.1:{http_port}",
            access_log=str(self.access_log),
        )
        (folder / "hxgy.conf").write_text(site, encoding="utf-8")
        temp = {name: folder / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir(exist_ok=True)
        # As root, the workers run as root too: they write only in this folder (pytest's folder is not open to
        # www-data). As anyone else, nginx ignores `user`.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {self.error_log} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            + "".join(f"    {name}_temp_path {path};\n" for name, path in temp.items())
            + f"    include {folder / 'hxgy.conf'};\n}}\n",
            encoding="utf-8",
        )
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15) -> LocalNginx:
        binary = nginx_binary()
        if binary is None:
            raise FileNotFoundError("nginx not found (apt-get install nginx, or scripts/ensure-system.sh)")
        conf = str(self.folder / "nginx.conf")
        check = subprocess.run([binary, "-t", "-p", str(self.folder), "-c", conf, "-e", str(self.error_log)],
                               capture_output=True, text=True)  # fmt: skip
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the rendered configuration:\n{check.stderr}")
        self._proc = subprocess.Popen(
            [binary, "-p", str(self.folder), "-c", conf, "-e", str(self.error_log), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.error_log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1, context=UNVERIFIED):
                    pass
            except urllib.error.HTTPError:
                return self  # 502 while no app process answers yet: nginx itself did
            except OSError:
                time.sleep(0.1)
                continue
            return self
        raise TimeoutError(f"nginx did not answer within {timeout} s")

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()  # SIGTERM: fast shutdown of master and workers
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description="Print deploy/nginx-hxgy.conf filled in for this machine.")
    parser.add_argument("--ports", type=int, nargs="+", required=True, help="ports of the app processes")
    parser.add_argument("--app-host", default="127.0.0.1", help="address the app processes listen on")
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--certificate", required=True)
    parser.add_argument("--certificate-key", required=True)
    parser.add_argument("--listen", default="443")
    parser.add_argument("--http-listen", default="80")
    parser.add_argument("--access-log", default="/var/log/nginx/hxgy.access.log")
    args = parser.parse_args()
    sys.stdout.write(
        render(
            args.ports,
            server_name=args.server_name,
            certificate=args.certificate,
            certificate_key=args.certificate_key,
            listen=args.listen,
            http_listen=args.http_listen,
            access_log=args.access_log,
            app_host=args.app_host,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
