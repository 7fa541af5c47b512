"""Raw HTTP calls to a running app, as a student with a laptop would make them: no browser, no gradio_client.

    event, data = call(url, "predict_sentiment", ["a film"])            # POST /gradio_api/call/<name>, then its SSE
    event, data = join(url, fn_index, ["x"], session="s1")              # any event, private ones too, by index

`event` is "complete" or "error"; an error's `data` is the message the app gave (a gr.Error's text), or None for
gradio's generic "an error occurred" — the answer tests/test_hostile.py looks for and refuses.
"""
import json
import uuid

import httpx

JSON = {"content-type": "application/json"}


def _json(body) -> str:
    """The body as JSON with every non-ASCII character escaped: a lone surrogate travels as "\\ud800", as a
    browser's JSON.stringify sends it."""
    return json.dumps(body, ensure_ascii=True)


def _last_event(lines) -> tuple[str, object]:
    event, data = None, None
    for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ").strip()
        elif line.startswith("data: "):
            data = json.loads(line.removeprefix("data: "))
            if event in ("complete", "error"):
                return event, data
    return event or "closed", data


def call(url: str, api_name: str, data: list, timeout: float = 60) -> tuple[str, object]:
    """Call a named event through the simple API; (event, data) of its last message, or ("refused", detail) when
    the server refused the call itself (an HTTP error status)."""
    base = url.rstrip("/")
    with httpx.Client(timeout=timeout, verify=False) as client:  # localhost: no CA bundle to load (~50 ms a call)
        joined = client.post(f"{base}/gradio_api/call/{api_name}", content=_json({"data": data}), headers=JSON)
        if joined.status_code != 200:
            return "refused", joined.text
        event_id = joined.json()["event_id"]
        with client.stream("GET", f"{base}/gradio_api/call/{api_name}/{event_id}") as stream:
            return _last_event(stream.iter_lines())


def join(url: str, fn_index: int, data: list, session: str | None = None, timeout: float = 60) -> tuple[str, object]:
    """Send any event by its index through the queue, as the page does; (event, message or output)."""
    base, session = url.rstrip("/"), session or uuid.uuid4().hex[:12]
    with httpx.Client(timeout=timeout, verify=False) as client:  # localhost: no CA bundle to load (~50 ms a call)
        joined = client.post(f"{base}/gradio_api/queue/join", headers=JSON, content=_json(
            {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None}))
        if joined.status_code != 200:
            return "refused", joined.text
        with client.stream("GET", f"{base}/gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data: "):
                    continue
                message = json.loads(line.removeprefix("data: "))
                if message.get("msg") == "process_completed":
                    output = message.get("output") or {}
                    if message.get("success"):
                        return "complete", output.get("data")
                    return "error", output.get("error")
    return "closed", None
