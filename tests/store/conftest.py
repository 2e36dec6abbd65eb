"""A private Virtuoso (Debian's virtuoso-opensource, installed by ./bootstrap.sh --dev) on
127.0.0.1 for the session: its own database directory and free ports, stopped at the end."""
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    exe = shutil.which("virtuoso-t")
    if exe is None or not SYSTEM_INI.is_file():
        pytest.fail("virtuoso-t is not installed: run ./bootstrap.sh --dev (Debian package virtuoso-opensource)")
    d = tmp_path_factory.mktemp("virtuoso")
    (d / "db").mkdir()
    sql, http = free_port(), free_port()
    ini = SYSTEM_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{d / 'db'}/")
    ini = ini.replace("ServerPort               = 1111", f"ServerPort               = {sql}")
    ini = ini.replace("ServerPort                  = 8890", f"ServerPort                  = {http}")
    ini = ini.replace("DefaultHost  = localhost:8890", f"DefaultHost  = localhost:{http}")
    (d / "virtuoso.ini").write_text(ini)
    proc = subprocess.Popen([exe, "-f", "-c", str(d / "virtuoso.ini")], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            pytest.fail(f"virtuoso-t exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("virtuoso-t did not answer within 120 s")
        time.sleep(0.5)
    yield {"sparql": f"{base}/sparql", "gsp": f"{base}/sparql-graph-crud-auth",
           "user": "dba", "password": "dba"}  # the fresh database's default administrator
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def client(built):
    """The embedded store's service over the same build, for comparison."""
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.config import Settings
    with TestClient(create_app(Settings(data_dir=built, workers=1, cache=False))) as c:
        yield c
