"""examples/backfill.py against a local server: fetch a page, convert each record, POST."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import refundmap

from helpers import ROOT

pytest.importorskip("httpx")

PAGE = json.loads((ROOT / "fixtures/railz/quickbooks-list.json").read_text())


@pytest.fixture
def server():
    """A local stand-in for both APIs: GET /refunds gives a page, POST records bodies."""
    page = dict(PAGE, data=[*PAGE["data"], dict(PAGE["data"][0], id="NO-ACCOUNT", accountRef=None)])
    posted: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(page).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            posted.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield base, page, posted
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_backfill_example_sends_every_good_record_and_names_the_bad_one(server):
    base, page, posted = server
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples/backfill.py"), f"{base}/refunds",
         f"{base}/customer_refunds"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    good = [r for r in page["data"] if r["id"] != "NO-ACCOUNT"]
    assert done.stdout == f"sent {len(good)}, refused 1\n"
    assert f"refused $.data[{len(good)}]: $.data[{len(good)}].accountRef.id:" in done.stderr
    expected = refundmap.convert({**page, "data": good}, "railz", "rutter-create").bodies()
    assert [body.decode() for body in posted] == expected


def test_the_typed_example_runs():
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples/typed.py")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "refundmap rutter-create"


def test_a_format_name_typo_is_a_type_error(tmp_path):
    api = pytest.importorskip("mypy.api")
    script = tmp_path / "typo.py"
    script.write_text('import refundmap\nrefundmap.convert("{}", "rutterr", "railz")\n')
    out, _, status = api.run(["--strict", "--no-incremental", str(script)])
    assert status == 1
    assert 'Argument 2 to "convert" has incompatible type "Literal[\'rutterr\']"' in out


def test_the_readme_lookup_example_type_checks(tmp_path):
    api = pytest.importorskip("mypy.api")
    readme = (ROOT / "docs/references.md").read_text()
    start = readme.index("class RutterLookup:")
    block = readme[start : readme.index("```", start)]
    # The example's database: a row with a platform id and a name, or None.
    script = tmp_path / "lookup.py"
    script.write_text(
        "from typing import Any\nimport refundmap\n"
        "class _Row:\n    platform_id: str\n    name: str | None\n"
        "class _Db:\n    def fetch_one(self, *args: Any) -> _Row | None: ...\n"
        f"db = _Db()\n{block}\n"
        "lookup: refundmap.Lookup = RutterLookup()\n"
    )
    out, _, status = api.run(["--strict", "--no-incremental", str(script)])
    assert status == 0, out
