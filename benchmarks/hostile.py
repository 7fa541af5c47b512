"""Hostile-student benchmark (issue #20): while one client runs each flood in turn, thirty students keep drawing.

    python -m benchmarks.hostile [--students 30] [--data-dir ../shared/datasets]

Starts `python app.py` as its own process. Thirty gradio_client students (3 processes of 10 threads) send a
drawing to predict_digit every 1-2.5 s for as long as the floods last. One client runs the floods of the issue,
one after another, through the raw HTTP API (benchmarks/probes.py):

  paths     classify_image naming server files and the server's own descriptors (/proc/<pid>/fd/<n>, pipes)
  queue     257 lesson runs at slow settings, each from an invented session, in about two seconds
  training  8 trainings from one session, then 12 small retrains, each from a new session (descriptors)
  memory    bodies of 20 MB and a 7.6 MB drawing (over the body limit), and 30 sentences of 400 kB from new sessions
  board     40 classes from one address
  junk      every event of the app, by index, with junk values and the wrong number of values

For each flood it prints the students' digit round trips (p50, p95) and errors while it ran, and what the flood
got; then the server's memory (RSS) and open descriptors before the floods, right after them and 30 s later.
Goals: p95 <= 300 ms and no error for the students; RSS within 200 MB of before; descriptors back to the start.
"""
import argparse
import os
import random
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import httpx
import numpy as np
import torch

from benchmarks.load import make_drawings
from benchmarks.probes import call, join
from benchmarks.server import rss_mb, start_app, timed_call
from training.run import describe_device

BIG = int("9" * 400)
TINY_RETRAIN = ["dnn", -2.5, 1, 1, 64, 32, 0.1, "default", True, 500]  # the Retrain tab's inputs, one small epoch
SLOW_LESSON = [15, -3, 256, 5000, "relu"]  # init_lesson at its slowest: epochs, log lr, width, examples, activation


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def students(url: str, clients: int, seconds: float, drawings: list[str], group: int, done: str) -> tuple[list, list]:
    """`clients` students as threads, until the file `done` exists or `seconds` have passed: (start time, round-trip
    ms) of each drawing sent, and the errors."""
    from gradio_client import Client

    timings, errors, lock = [], [], threading.Lock()

    def student(seed: int):
        rng = random.Random(seed)
        client = Client(url, verbose=False, ssl_verify=False)
        end = time.time() + seconds
        time.sleep(rng.uniform(0, 2.5))
        while time.time() < end and not os.path.exists(done):
            started = time.time()
            ms, error = timed_call(client, rng.choice(drawings), "predict_digit")
            with lock:
                timings.append((started, ms))
                if error:
                    errors.append((started, error))
            time.sleep(rng.uniform(1.0, 2.5))

    threads = [threading.Thread(target=student, args=(group * 1000 + i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, errors


def index_of(url: str, api_name: str) -> int:
    config = httpx.get(f"{url}config", timeout=30).json()
    return next(d["id"] for d in config["dependencies"] if d.get("api_name") == api_name)


# ---- the floods: each returns one line on what it got ----------------------------------------------------------------

def paths(url: str, pid: int) -> str:
    named = [{"path": p} for p in ("/etc/passwd", "/etc/shadow", str(Path(__file__).resolve()), "/dev/zero")]
    named += [{"path": f"/proc/{pid}/fd/{n}"} for n in range(40)]
    named += [{"path": f"/proc/{pid}/fd/{n}", "meta": {"_type": "gradio.FileData"}} for n in range(40)]
    named += [{"path": "/etc/passwd", "url": "x"}] * 16
    answers = [call(url, "classify_image", [value], timeout=30) for value in named]
    read = [a for a in answers if a[0] == "complete"]
    return f"{len(answers)} paths named, {len(answers) - len(read)} refused, {len(read)} read"


def queue(url: str, pid: int) -> str:
    lesson = index_of(url, "init_lesson")

    # one client, as a script on the student's own laptop would be: its CPU here is the server's too
    client = httpx.Client(timeout=30, verify=False, limits=httpx.Limits(max_connections=16))

    def one(_):
        session = uuid.uuid4().hex[:12]
        answer = client.post(f"{url}gradio_api/queue/join", json={
            "data": SLOW_LESSON, "fn_index": lesson, "session_hash": session})
        return session, answer

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(one, range(257)))
    accepted = [(s, a.json()["event_id"]) for s, a in answers if a.status_code == 200]
    time.sleep(20)  # the flood's lessons run while the students draw
    for session, event_id in accepted:  # the flooder leaves; its lessons are cancelled as a closed tab's would be
        client.post(f"{url}gradio_api/cancel", json={"session_hash": session, "fn_index": lesson, "event_id": event_id})
    client.close()
    return f"257 lesson runs sent, {len(accepted)} taken into line, {257 - len(accepted)} refused"


def training(url: str, pid: int) -> str:
    train, session = index_of(url, "train"), uuid.uuid4().hex[:12]
    taken = [httpx.post(f"{url}gradio_api/queue/join", timeout=30, verify=False, json={
        "data": TINY_RETRAIN + [{}], "fn_index": train, "session_hash": session}).status_code for _ in range(8)]
    time.sleep(5)
    finished = 0
    for _ in range(12):
        event, data = join(url, train, TINY_RETRAIN + [{}], timeout=300)
        finished += event == "complete" and "Done" in str(data)
    return f"8 trainings from one session: {taken.count(200)} taken; 12 retrains from new sessions: {finished} done"


def memory(url: str, pid: int) -> str:
    refused = 0
    for _ in range(10):
        answer = httpx.post(f"{url}gradio_api/call/predict_sentiment", json={"data": ["x" * 20_000_000]}, timeout=60,
                            verify=False)
        refused += answer.status_code == 413
    drawing = '{"width": 280, "height": 280, "strokes": [' + ",".join(["[[1, 2], [3, 4]]"] * 380_000) + "]}"
    answer = httpx.post(f"{url}gradio_api/call/predict_digit", json={"data": [drawing]}, timeout=60, verify=False)
    refused += answer.status_code == 413
    said = [call(url, "predict_sentiment", ["y" * 400_000])[0] for _ in range(30)]
    return (f"11 bodies over the limit: {refused} refused before parsing; 30 sentences of 400 kB: "
            f"{said.count('complete')} answered")


def board(url: str, pid: int) -> str:
    made = [call(url, "board_create", ["flood", "lr", ""])[0] == "complete" for _ in range(40)]
    return f"40 classes asked for from one address: {sum(made)} made"


def junk(url: str, pid: int) -> str:
    config = httpx.get(f"{url}config", timeout=30).json()
    blank = door = sent = 0
    for dependency in config["dependencies"]:
        if not dependency.get("backend_fn"):
            continue
        n = len(dependency["inputs"])
        for data in ([None] * n, [BIG] * n, ["\ud800"] * n, [{"x": 1}] * n, [None] * (n + 1)):
            event, message = join(url, dependency["id"], data)
            sent += 1
            blank += event == "error" and not message
            door += event == "refused"
    return f"{sent} junk requests, {door} refused at the door, {blank} answered with gradio's blank error"


FLOODS = {"paths": paths, "queue": queue, "training": training, "memory": memory, "board": board, "junk": junk}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR") or "data")
    parser.add_argument("--port", type=int, default=7871)
    parser.add_argument("--seconds", type=float, default=900, help="the longest the students draw")
    parser.add_argument("--only", nargs="+", choices=list(FLOODS), help="run only these floods")
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}/"
    server = start_app(args.port, args.data_dir)
    drawings = make_drawings()
    try:
        # warm-up, so that "before" holds what any class's use loads once: both training processes and their data
        # set, the lessons' data (MNIST) and a slow lesson's run, the sentence models' first answers
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda _: call(url, "train", TINY_RETRAIN, timeout=300), range(2)))
        call(url, "init_lesson", SLOW_LESSON, timeout=300)
        for value in drawings[:20]:
            call(url, "predict_digit", [value])
            call(url, "predict_sentiment", ["a fine film"])
        groups = [len(range(i, args.students, args.processes)) for i in range(args.processes)]
        windows, results, grew = {}, {}, {}
        done = Path(tempfile.mkdtemp()) / "done"
        with ProcessPoolExecutor(args.processes, mp_context=get_context("spawn")) as pool:
            jobs = [pool.submit(students, url, n, args.seconds, drawings, i, str(done))
                    for i, n in enumerate(groups) if n]
            time.sleep(10)  # the class is drawing before the first flood, its thirty sessions made
            before = rss_mb(server.pid), descriptors(server.pid)
            for name, flood in FLOODS.items():
                if args.only and name not in args.only:
                    continue
                started = time.time()
                results[name] = flood(url, server.pid)
                windows[name] = (started, time.time())
                grew[name] = rss_mb(server.pid)
            after = rss_mb(server.pid), descriptors(server.pid)
            done.touch()
            timings, errors = [], []
            for job in jobs:
                t, e = job.result()
                timings += t
                errors += e
        time.sleep(30)
        settled = rss_mb(server.pid), descriptors(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"device: {describe_device(torch.device('cpu'))}, {os.cpu_count()} cores; torch {torch.__version__}")
    print(f"{args.students} students drawing (a drawing every 1-2.5 s each) while one client floods:")
    for name, (start, end) in windows.items():
        ms = [t for s, t in timings if start <= s < end]
        wrong = [e for s, e in errors if start <= s < end]
        p50, p95 = (np.percentile(ms, 50), np.percentile(ms, 95)) if ms else (float("nan"),) * 2
        print(f"  {name:9s} {end - start:5.0f} s: students' digits p50 {p50:.0f} ms, p95 {p95:.0f} ms "
              f"({len(ms)} calls, {len(wrong)} errors), server RSS after it {grew[name]:.0f} MB; the flood: "
              f"{results[name]}")
    first, last = min(w[0] for w in windows.values()), max(w[1] for w in windows.values())
    during = [t for s, t in timings if first <= s < last]
    print(f"  all floods: digits p95 {np.percentile(during, 95):.0f} ms (goal 300 ms), errors "
          f"{len(errors)} of {len(timings)} (goal 0)")
    print(f"  server RSS: {before[0]:.0f} MB before, {after[0]:.0f} MB after the floods, {settled[0]:.0f} MB "
          "30 s later (goal: within 200 MB of before)")
    print(f"  server's open descriptors: {before[1]} before, {after[1]} after, {settled[1]} 30 s later "
          f"(goal: back to the start)")
    for _, error in errors[:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
