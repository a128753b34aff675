"""Exit 0 when Accord's ``/healthz`` answers 200, else 1: the container's HEALTHCHECK.

Standard library only (the slim image has no curl). It asks the listener the bot has in
its mode: ``WEBHOOK_LISTEN`` (default port 8443) with ``TELEGRAM_WEBHOOK_URL`` set, else
``HEALTH_LISTEN``; with neither, there is nothing to ask and it says so. It asks the
address the listener binds (0.0.0.0 on 127.0.0.1, :: on ::1).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping


def health_url(environ: Mapping[str, str]) -> str | None:
    """Where /healthz is, from the bot's own settings; None if it serves none."""
    if environ.get("TELEGRAM_WEBHOOK_URL", "").strip():
        listen = environ.get("WEBHOOK_LISTEN", "").strip() or "0.0.0.0:8443"
    else:
        listen = environ.get("HEALTH_LISTEN", "").strip()
    if not listen:
        return None
    host, _, port = listen.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    # Where the bot binds: "every address" is asked on the loopback of its family.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/healthz"


def main(environ: Mapping[str, str] = os.environ, timeout: float = 4.0) -> int:
    """Ask /healthz once; 0 for 200, 1 for anything else."""
    url = health_url(environ)
    if url is None:
        print("no health listener: set HEALTH_LISTEN (polling) or TELEGRAM_WEBHOOK_URL")
        return 1
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            print(response.read().decode(errors="replace"))
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as error:  # 503: the body says what failed
        print(error.read().decode(errors="replace"))
        return 1
    except OSError as error:
        print(f"{url}: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
