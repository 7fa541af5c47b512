"""A student's session that survives a reload and a dropped tab: an id the server issues, kept by the browser.

gradio gives every page load a new session hash, so before this a reload (or a phone dropping a background tab)
lost the run history, the retrained models and with them the runs a student meant to post to the class board. Now
the page keeps an id in `gr.BrowserState` (the browser's localStorage, encrypted) and sends it when it loads
(`wire`); the server binds the new page's session hash to that id when it issued the id and has not forgotten it,
else it issues a new one. Every store keyed by session (the history, the retrained models, the stop requests, the
board's poster and teacher marks, a teacher link's locks) reads the id through ui.state.session_of.

What a client cannot do: claim another student's id. An id is 32 random bytes (`secrets.token_urlsafe`), the
server accepts only ids it issued, and a session hash that is not bound answers as itself unless it equals an
issued id, which then answers as nobody (None). Bounds: MAX_IDS ids, each forgotten after IDLE_SECONDS unused (a
class's hour and one more), and MAX_PAGES page loads remembered, the least recently used going first. The
history and the retrained models keep their own bounds (ui/history.py, ui/retrain/store.py).

An id lives in this process: behind a load balancer a browser must stay on its replica (README, "More than one
machine"); a browser sent to another replica, or to a restarted server, simply gets a new id.
"""
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import gradio as gr

IDLE_SECONDS = 2 * 3600
MAX_IDS = 5_000
MAX_PAGES = 20_000
STORAGE_KEY = "playground-session"  # fixed, so a restarted server's page finds (and replaces) the old entry


@dataclass
class Record:
    used: float
    locks: dict = field(default_factory=dict)  # a teacher link's locked controls: link name → control value
    signed: bool = False  # whether the locks came from a link the server signed (ui/links.py)


class Sessions:
    """The ids this server issued, the page loads bound to each, and each id's locks; safe across threads."""

    def __init__(self, idle: float = IDLE_SECONDS, max_ids: int = MAX_IDS, max_pages: int = MAX_PAGES):
        self.idle, self.max_ids, self.max_pages = idle, max_ids, max_pages
        self._ids: OrderedDict[str, Record] = OrderedDict()  # least recently used first
        self._pages: OrderedDict[str, str] = OrderedDict()  # gradio session hash → id
        self._lock = threading.Lock()

    def resume(self, stored, page: str | None) -> str | None:
        """The id for page load `page` (its session hash): `stored`, what the browser kept, when this server issued
        it and still knows it, else a new one. The page is bound to it from now on."""
        if not isinstance(page, str) or not page:
            return None
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            if not (isinstance(stored, str) and stored in self._ids):
                stored = secrets.token_urlsafe(32)
                self._ids[stored] = Record(now)
            self._touch(stored, now)
            self._pages[page] = stored
            self._pages.move_to_end(page)
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
            return stored

    def of(self, page: str | None) -> str | None:
        """The id page load `page` is bound to; the page's own hash when it is bound to none (an API client)."""
        if page is None:
            return None
        now = time.monotonic()
        with self._lock:
            found = self._pages.get(page)
            if found is not None and found in self._ids and now - self._ids[found].used <= self.idle:
                self._touch(found, now)
                return found
            return None if page in self._ids else page

    def locks(self, session: str | None) -> dict:
        """The controls a teacher's link locked for `session` (link name → value); empty when none."""
        with self._lock:
            record = self._ids.get(session) if session is not None else None
            return dict(record.locks) if record is not None else {}

    def lock(self, session: str | None, locks: dict, signed: bool) -> dict:
        """Record a link's `locks` for `session` and return the locks now in force. A signed link's locks replace
        the session's (the teacher's next worksheet); an unsigned link (typed by hand) only adds locks for controls
        not locked yet, so editing the address bar never frees or changes a locked value."""
        with self._lock:
            record = self._ids.get(session) if session is not None else None
            if record is None:
                return dict(locks)  # a page without an id (no session): the locks hold in its page only
            if signed:
                record.locks, record.signed = dict(locks), True
            else:
                record.locks = {**locks, **record.locks}
            return dict(record.locks)

    def __len__(self) -> int:
        return len(self._ids)

    def _touch(self, session: str, now: float) -> None:
        self._ids[session].used = now
        self._ids.move_to_end(session)

    def _expire(self, now: float) -> None:
        while self._ids and (len(self._ids) >= self.max_ids or now - next(iter(self._ids.values())).used > self.idle):
            self._ids.popitem(last=False)


SESSIONS = Sessions()  # this server's: every page and handler of the process reads the same


def session_id(page: str | None) -> str | None:
    """`SESSIONS.of`: the id a page load answers as."""
    return SESSIONS.of(page)


def wire(demo: gr.Blocks) -> gr.events.Dependency:
    """The page's id in the browser, resumed when the page loads; returns that load event, after which every other
    load-time handler must run (`.then`) so that it reads the resumed id."""
    kept = gr.BrowserState(None, storage_key=STORAGE_KEY)

    def resume(stored, request: gr.Request):
        return SESSIONS.resume(stored, getattr(request, "session_hash", None))

    return demo.load(resume, kept, kept, api_name=False, queue=False, show_progress="hidden")
