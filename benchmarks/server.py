"""The app as its own process for the benchmarks, its memory, and one timed API call."""
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_app(port: int, data_dir: str) -> subprocess.Popen:
    """`python app.py` on `port`, returned once it answers (within two minutes)."""
    from gradio_client import Client

    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--data-dir", data_dir],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while True:
        try:
            Client(f"http://127.0.0.1:{port}/", verbose=False)
            return server
        except Exception:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.5)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed_call(client, value, api: str) -> tuple[float, str | None]:
    """(round-trip ms, error or None) for one call; an answer without its second output counts as an error."""
    start = time.time()
    try:
        outputs = client.predict(value, api_name=f"/{api}")
        error = None if outputs[1] else f"{api}: no answer: {outputs[0]}"
    except Exception as exception:
        error = f"{api}: {type(exception).__name__}: {exception}"[:200]
    return (time.time() - start) * 1000, error
