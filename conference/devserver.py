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


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    children = [
        subprocess.Popen([python, "manage.py", "qcluster"]),  # noqa: S603
        subprocess.Popen(  # noqa: S603
            [python, "manage.py", "runserver", "--noreload", f"{host}:{port}"]
        ),
    ]
    sys.stdout.write(
        f"Site: http://{host}:{port}/  ·  admin: http://{host}:{port}/admin/  ·  Ctrl-C stops.\n"
    )

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
