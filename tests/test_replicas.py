"""Two replicas of the app behind HAProxy, sharing one PostgreSQL for the board (README, "More than one machine").

The balancer sends each new browser to a replica in turn and sets a cookie (REPLICA) that keeps it there: a page's
queue, its answer streams and its session (ui/sessions.py) live in one process. The test starts PostgreSQL (the
fixture of tests/test_board.py), two `python app.py` processes and Debian's haproxy on free local ports, and shows a
class spread over both replicas, a board created on one and seen and closed on the other, and a browser that stays on
its replica across a reload while its page works.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests.helpers import free_port
from tests.pages import ONE, draw_strokes, open_app, wait_for_pad, wait_for_verdict
from tests.test_board import postgres_url  # noqa: F401 - the fixture: a PostgreSQL server of the test's own

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
REPLICA = "PLAYGROUND_REPLICA"
CONFIG = """global
    maxconn 512
defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout client 10m
    timeout server 10m
    timeout tunnel 1h
frontend classroom
    bind 127.0.0.1:{port}
    default_backend replicas
backend replicas
    balance roundrobin
    cookie {cookie} insert indirect nocache httponly
{servers}
"""


def haproxy_config(port: int, replicas: dict[str, int]) -> str:
    """The balancer of README's "More than one machine": round robin for a new browser, a cookie to stay."""
    servers = "\n".join(f"    server {name} 127.0.0.1:{at} check cookie {name}" for name, at in replicas.items())
    return CONFIG.format(port=port, cookie=REPLICA, servers=servers)


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} did not start in {seconds:.0f} s")


def wait_until_warm(log: Path, process: subprocess.Popen, seconds: float = 300) -> None:
    """Until the replica says its lessons are computed at their defaults (app.py): two replicas warming at once on
    a 2-core machine slowed the browser's page to seconds per mouse move, and a CI run timed out waiting."""
    deadline = time.monotonic() + seconds
    while "Lessons ready" not in log.read_text():
        if process.poll() is not None:
            raise RuntimeError(f"a replica exited with {process.returncode}: {log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"a replica's lessons were not ready in {seconds:.0f} s")
        time.sleep(1)


@pytest.fixture(scope="module")
def balancer(postgres_url, tmp_path_factory):  # noqa: F811 - the fixture imported above
    """Two replicas and HAProxy in front: (the balancer's URL, {replica name: its own URL})."""
    if not Path(HAPROXY).exists():
        message = "haproxy is not installed (apt-get install haproxy)"
        if os.environ.get("DATABASE_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("replicas")
    replicas = {name: free_port() for name in ("a", "b")}
    started = []
    try:
        for name, port in replicas.items():
            environment = os.environ | {"PLAYGROUND_DATABASE": postgres_url, "OMP_NUM_THREADS": "1"}
            started.append(subprocess.Popen(
                [sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=folder, env=environment,
                stdout=open(folder / f"{name}.log", "w"), stderr=subprocess.STDOUT))
        for name, process in zip(replicas, started, strict=True):
            wait_until_warm(folder / f"{name}.log", process)
        port = free_port()
        (folder / "haproxy.cfg").write_text(haproxy_config(port, replicas))
        started.append(subprocess.Popen([HAPROXY, "-db", "-f", str(folder / "haproxy.cfg")],
                                        stdout=open(folder / "haproxy.log", "w"), stderr=subprocess.STDOUT))
        wait_until_up(f"http://127.0.0.1:{port}/", started[-1], 30)
        yield f"http://127.0.0.1:{port}/", {name: f"http://127.0.0.1:{at}/" for name, at in replicas.items()}
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def replica_of(url: str, cookie: str | None = None) -> str:
    """Which replica answers a browser holding `cookie` (a new browser when None): the balancer's cookie says."""
    headers = {"cookie": f"{REPLICA}={cookie}"} if cookie else {}
    answer = httpx.get(url, headers=headers, timeout=30)
    answer.raise_for_status()
    return answer.cookies.get(REPLICA) or cookie


def test_a_class_spreads_over_both_replicas_and_each_browser_stays_on_its_own(balancer):
    url, _ = balancer
    first = [replica_of(url) for _ in range(6)]  # six students open the class link
    assert sorted(set(first)) == ["a", "b"] and first.count("a") == 3
    assert all(replica_of(url, name) == name for name in first)  # and each comes back to the same one


def test_the_board_is_one_for_both_replicas(balancer):
    url, replicas = balancer
    on_a = Client(url, verbose=False, headers={"cookie": f"{REPLICA}=a"})
    _, code, key = on_a.predict("9A", "lr", api_name="/board_create")
    on_b = Client(url, verbose=False, headers={"cookie": f"{REPLICA}=b"})
    note, _, _ = on_b.predict(code, "newest", "all models", api_name="/board_show")
    assert "**9A**" in note and "0 post(s)" in note  # a class made on a, read on b
    assert "closed" in on_b.predict(code, key, api_name="/board_close")  # the teacher's key works on b too
    note, _, _ = Client(replicas["a"], verbose=False).predict(code, "newest", "all models", api_name="/board_show")
    assert "closed" in note


def test_a_browser_page_works_through_the_balancer_and_a_reload_keeps_its_replica(balancer, context_in):
    url, _ = balancer
    context = context_in()
    page = open_app(context, url)
    draw_strokes(page, ONE)
    assert "CNN reads 1" in wait_for_verdict(page, "CNN reads")  # its queue and answer stream reached one process
    replica = next(c["value"] for c in context.cookies() if c["name"] == REPLICA)
    page.reload()
    wait_for_pad(page)
    assert next(c["value"] for c in context.cookies() if c["name"] == REPLICA) == replica
