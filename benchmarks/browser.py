"""Browser benchmark: how fast the drawing pad answers in a real browser, with a training worker busy.

Starts `python app.py`, starts a CNN retrain through the API (so a training
worker keeps the CPU busy at nice 19, as in a class), then drives headless
Chromium (Playwright; no GPU, so the canvas is software-rendered) on the pad.
For each of `--strokes` strokes: Clear, then a mouse stroke of about 1.5 s at
a student's pace (a move every 30 ms). It records, inside the page, the time of
every update of the answers:

- pointer-up → both answers on screen: from the pointerup event to the
  answer to the drawing the pad sends then (if an answer is still on its way,
  gradio holds the new drawing until it lands, and that wait counts too);
  each answer carries the number of the drawing it answers;
- updates while drawing: answers landed between pointer-down and pointer-up,
  per second of stroke.

Goals (issue #10): pointer-up → answers p50 ≤ 150 ms, p95 ≤ 300 ms; at least
5 updates a second while drawing.

    python -m benchmarks.browser [--strokes 20] [--no-training]
"""
import argparse
import os
import time
from pathlib import Path

import numpy as np
import torch

from benchmarks.server import start_app
from training.run import describe_device

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
# In the page: when each answer lands, by the number of the drawing it answers (the pad numbers what it sends
# and the answer carries the number back, in the preprocessing strip; gradio updates all six outputs together).
WATCH = """() => {
  window.answers = [];
  const steps = document.querySelector('#steps');
  new MutationObserver(() => {
    const tagged = steps.querySelector('[data-drawing]');
    const n = tagged ? Number(tagged.dataset.drawing) : null;
    if (n !== null && (!window.answers.length || window.answers.at(-1)[1] !== n))
      window.answers.push([performance.now(), n]);
  }).observe(steps, {subtree: true, childList: true, attributes: true});
  const canvas = document.querySelector('#pad canvas');
  canvas.addEventListener('pointerdown', () => { window.down = performance.now(); });
  canvas.addEventListener('pointerup', () => { window.up = performance.now(); });
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--strokes", type=int, default=20)
    parser.add_argument("--no-training", action="store_true", help="no retrain in the background")
    parser.add_argument("--port", type=int, default=7871)
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR") or "data")
    args = parser.parse_args()
    from gradio_client import Client
    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{args.port}/"
    server = start_app(args.port, args.data_dir)
    latencies, rates, training = [], [], None
    try:
        if not args.no_training:
            training = Client(url, verbose=False).submit(
                "cnn", -2.5, 30, 10, 64, 128, 0.3, "default", True, 20_000, api_name="/train")
            while len(training.outputs()) < 2:  # until it is really training
                if training.done():
                    training.result()
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            version = browser.version
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(url)
            canvas = page.locator("#pad canvas")
            canvas.wait_for()
            page.evaluate(WATCH)
            box = canvas.bounding_box()
            cx, cy, half = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, 0.4 * box["width"]
            for i in range(args.strokes):
                page.get_by_role("button", name="Clear").click()
                page.wait_for_function("document.querySelector('#verdict').innerText.includes('Draw a digit')")
                page.wait_for_timeout(300)
                tilt = (i % 5 - 2) * 0.05
                page.mouse.move(cx + tilt * half, cy - 0.8 * half)
                page.mouse.down()
                for t in range(1, 51):  # a one, top to bottom, a move every 30 ms: about 1.5 s
                    page.mouse.move(cx + (tilt - 0.1 * t / 50) * half, cy + (-0.8 + 1.6 * t / 50) * half)
                    page.wait_for_timeout(30)
                page.mouse.up()
                page.wait_for_function("window.answers.length && performance.now() - window.answers.at(-1)[0] > 800",
                                       timeout=30_000)
                down, up, answers = page.evaluate("[window.down, window.up, window.answers]")
                final = answers[-1][1]  # the drawing sent at pointer-up: the last the pad sent
                latencies.append(min(t for t, n in answers if n == final) - up)
                rates.append(sum(down < t < up for t, _ in answers) / ((up - down) / 1000))
            browser.close()
    finally:
        if training is not None:
            training.cancel()
        server.terminate()
        server.wait(timeout=30)
    print(f"device: {describe_device(torch.device('cpu'))}, {os.cpu_count()} cores; Chromium {version} headless, "
          f"software rendering; {'a CNN retrain running' if training else 'no retrain running'}")
    print(f"pointer-up -> both answers on screen, {len(latencies)} strokes: "
          f"p50 {np.nanpercentile(latencies, 50):.0f} ms, "
          f"p95 {np.nanpercentile(latencies, 95):.0f} ms, max {np.nanmax(latencies):.0f} ms")
    print(f"answer updates while drawing: mean {np.mean(rates):.1f} per second, lowest {min(rates):.1f}")


if __name__ == "__main__":
    main()
