"""Run the development web server and a django-q2 cluster from one foreground command.

``make demo`` calls this. Ctrl-C (or SIGTERM) stops both: the children are started in their own
process group and terminated together, so nothing is left running in the background.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def site_url(host: str, port: str) -> str:
    """``SITE_URL`` when set, else the address this server answers at: links in e-mails,
    invites and feeds must carry the port the demo really runs on (``make demo PORT=8100``).
    A server on all interfaces is linked as 127.0.0.1."""
    given = os.environ.get("SITE_URL", "").rstrip("/")
    if given:
        return given
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "[::]") else host  # noqa: S104
    return f"http://{shown}:{port}"


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    url = site_url(host, port)
    # The worker and the web server both build links: both get the same SITE_URL.
    env = {**os.environ, "SITE_URL": url}
    python = sys.executable
    children = [
        subprocess.Popen([python, "manage.py", "qcluster"], env=env),  # noqa: S603
        subprocess.Popen(  # noqa: S603
            [python, "manage.py", "runserver", "--noreload", f"{host}:{port}"], env=env
        ),
    ]
    sys.stdout.write(f"Site: {url}/  ·  admin: {url}/admin/  ·  Ctrl-C stops.\n")

    def stop(*_args: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
