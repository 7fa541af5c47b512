"""Plain functions the tests share (fixtures are in conftest.py, the browser's page in pages.py).

`handlers` gives every tab's handlers over one application state, as app.py builds them; `free_port`,
`raw_call` and `still_answers` talk to a running app.
"""
import socket
from types import SimpleNamespace

import httpx

from benchmarks.drawings import pad_value
from ui.draw.handlers import Handlers as Draw
from ui.lessons.runner import InProcess
from ui.retrain.handlers import Handlers as Retrain
from ui.sentiment.handlers import Handlers as Sentiment
from ui.state import AppState


def handlers(shipped: dict | None = None, load_errors: dict | None = None, **parts) -> SimpleNamespace:
    """`.state` (an AppState with these shipped models, load errors and any other parts given; lessons run in the
    test's own process unless `lessons` is given) and the handlers of tabs 1–3 over it: `.draw`, `.sentiment`,
    `.retrain`."""
    state = AppState(shipped or {}, load_errors or {}, **{"lessons": InProcess()} | parts)
    return SimpleNamespace(state=state, draw=Draw(state), sentiment=Sentiment(state), retrain=Retrain(state))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def still_answers(client) -> None:
    """A normal drawing right after a bad request: the server is up and reads it."""
    verdict, dnn, cnn, *_ = client.predict(pad_value("7"), api_name="/predict_digit")
    assert cnn["label"] == "7"


def raw_call(url: str, api_name: str, data_json: str) -> tuple[str, str]:
    """POST a JSON body as written (NaN included, which JSON clients refuse) and read the event's last message."""
    with httpx.Client(base_url=url, timeout=60) as http:
        posted = http.post(f"gradio_api/call/{api_name}", content=f'{{"data": {data_json}}}',
                           headers={"content-type": "application/json"})
        posted.raise_for_status()
        event, data = "", ""
        with http.stream("GET", f"gradio_api/call/{api_name}/{posted.json()['event_id']}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data = line.split(":", 1)[1].strip()
        return event, data
