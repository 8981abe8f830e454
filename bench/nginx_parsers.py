"""crlint's nginx tokenizer against crossplane: time per 1,000 lines and import time.

    pip install crossplane      # measurement only, not a crlint dependency
    python bench/nginx_parsers.py [--repeat N]

crossplane reports line numbers only; crlint's tokenizer keeps columns too,
which findings need. Both parse the same generated configuration (a GitLab
proxy's `server` blocks repeated); a parser that is not installed is
skipped with a note.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

SERVER = """\
server {
    listen 443 ssl;
    server_name gitlab.example.com;
    proxy_set_header Host $host;
    location / {
        proxy_set_header X-Forwarded-Proto "https";
        proxy_pass http://gitlab-workhorse;
    }
    location ~ ^/jwt/ {
        proxy_pass http://gitlab-workhorse;  # the token realm
    }
}
"""


def best(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def import_ms(module: str) -> float:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    last = result.stderr.strip().splitlines()[-1]
    return int(last.split("|")[1]) / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    text = SERVER * 84  # about 1,000 lines
    lines = text.count("\n")
    from crlint.frontends import nginx

    crlint_s = best(lambda: nginx.parse(text), options.repeat)
    print(f"{lines} lines; crlint tokenizer: {crlint_s * 1000:.1f} ms, "
          f"import {import_ms('crlint.frontends.nginx'):.1f} ms")  # fmt: skip
    try:
        import crossplane
    except ImportError:
        print("crossplane: not installed (pip install crossplane)")
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as handle:
        handle.write(text)
    try:
        crossplane_s = best(
            lambda: crossplane.parse(handle.name, single=True, check_ctx=False, check_args=False),
            options.repeat,
        )
    finally:
        os.unlink(handle.name)
    print(f"crossplane: {crossplane_s * 1000:.1f} ms, import {import_ms('crossplane'):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
