"""The class board: a teacher's class code, the runs students post to it, kept in a real database.

SQLAlchemy Core over any database it has a driver for: SQLite in a file by
default (nothing to set up), or a URL given with `--database` or the
PLAYGROUND_DATABASE environment variable, e.g.
`postgresql+psycopg://user:password@host/playground`, so that several
replicas of the app behind a load balancer share one board. The tables are
created on first use.

Access: creating a class returns two secrets. The class code (8 letters and
digits, 31^8 ≈ 8.5e11 codes) lets a student post and read that class's board
and nothing else: every query names one code. The teacher key (a 128-bit token)
deletes posts and closes the board; only its SHA-256 is stored, compared in
constant time. A teacher who lost the key gets a new one with the class's
teacher password, if they set one (stored as PBKDF2-SHA256 with a salt,
PASSWORD_ROUNDS rounds; MAX_RECOVERIES tries per address and hour); the old key
then stops working. A post holds only what the server measured (a Run from the
session's history, ui/history.py) plus a nickname, checked here: 1–24
printable characters. A nickname is plain text: it is stored as typed and
escaped wherever it is shown (the board's table shows text, its plot gets it
HTML-escaped, since plotly reads a few tags in labels).
"""
import hashlib
import hmac
import json
import math
import os
import secrets
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa

from ui import i18n, settings

ENVIRONMENT = "PLAYGROUND_DATABASE"
DEFAULT_URL = "sqlite:///class-board.sqlite3"  # a file in the working directory
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by thirty students
CODE_LENGTH = 8
MAX_NICKNAME = 24
MAX_TITLE = 80
MAX_POSTS = 500  # per class: a class of thirty posting a dozen runs each, and a bound on what a code can fill
MAX_POSTS_EACH = 12  # per student (browser session) and class: one student filled a board in 3 minutes before
MAX_CLASSES_PER_HOUR = 10  # new classes per client address and hour, per server: 14 a second were made before
BOARD_ROWS = 200  # rows one refresh reads at most
PASSWORD_LENGTH = (8, 128)  # a teacher password's shortest and longest
PASSWORD_ROUNDS = 200_000  # PBKDF2-SHA256 rounds: about 0.1 s on one core of the 2-core machine, per create or try
MAX_RECOVERIES = 10  # tries of a teacher password per client address and hour, per server

# what the teacher can choose to study, the x axis of the board's plot: the model ("kind") and each Retrain setting
# that can be studied (ui/settings.py), by their names there, in the order of their texts, which the dropdown keeps
STUDY_NAMES = i18n.Texts("board-studies")
STUDIES = tuple(name for name in STUDY_NAMES.names() if name == "kind" or name in settings.studied())
SORTS = {"test accuracy": "test_accuracy", "newest": "posted", "nickname": "nickname", "setting": "setting"}

metadata = sa.MetaData()
class_table = sa.Table(
    "board_classes", metadata,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("teacher_key_sha256", sa.String(64), nullable=False),
    sa.Column("title", sa.String(MAX_TITLE), nullable=False),
    sa.Column("study", sa.String(20), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
    # added later (Board._upgrade): "pbkdf2_sha256$rounds$salt$hash" of the teacher password, "" when none was set
    sa.Column("teacher_password", sa.String(200), nullable=False, server_default=""),
)
post_table = sa.Table(
    "board_posts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(CODE_LENGTH), sa.ForeignKey("board_classes.code", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("nickname", sa.String(MAX_NICKNAME), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON
    sa.Column("test_accuracy", sa.Float, nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("run_key", sa.String(64), nullable=False),  # SHA-256 of session + run number: one post per run
    sa.Column("posted", sa.Float, nullable=False),
    # added after the first boards (Board._upgrade adds them to an older database)
    sa.Column("poster", sa.String(64), nullable=False, server_default=""),  # SHA-256 of the posting session
    sa.Column("by_teacher", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("code", "run_key", name="one_post_per_run"),
)
# the sessions that proved a class's teacher key (created it, or deleted or closed with the key): their posts are
# marked as the teacher's, whatever nickname they carry
teacher_table = sa.Table(
    "board_teachers", metadata,
    sa.Column("code", sa.String(CODE_LENGTH), sa.ForeignKey("board_classes.code", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("session_sha256", sa.String(64), primary_key=True),
)
# the server's secrets by name (`Board.secret`): in the database, so that every replica of the app, and the same
# server after a restart, signs and checks teacher links (ui/links.py) with the same key
secret_table = sa.Table(
    "app_secrets", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)


# the refusals, for the student or teacher who asked
T = i18n.Texts("board")


class BoardError(ValueError):
    """A request the board refuses: `str(error)` in English, `say(language)` in the language of who asked."""

    def __init__(self, key: str, **values):
        super().__init__(T.say(key, "en", **values))
        self.key, self.values = key, values

    def say(self, language: str) -> str:
        return T.say(self.key, language, **self.values)


@dataclass
class Post:
    id: int
    nickname: str
    kind: str
    settings: dict
    test_accuracy: float
    seconds: float
    posted: float
    by_teacher: bool = False


@dataclass
class ClassInfo:
    code: str
    title: str
    study: str
    closed: bool


def database_url() -> str:
    return os.environ.get(ENVIRONMENT) or DEFAULT_URL


def check_code(code) -> str:
    code = code.strip().upper() if isinstance(code, str) else ""
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise BoardError("bad_code", length=CODE_LENGTH)
    return code


def check_nickname(nickname) -> str:
    nickname = " ".join(nickname.split()) if isinstance(nickname, str) else ""
    if not 1 <= len(nickname) <= MAX_NICKNAME or not nickname.isprintable():
        raise BoardError("bad_nickname", most=MAX_NICKNAME)
    return nickname


def check_password(password) -> str:
    low, high = PASSWORD_LENGTH
    if not isinstance(password, str) or not low <= len(password) <= high:
        raise BoardError("bad_password", low=low, high=high)
    return password


def _sha256(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _password_hash(password: str, salt: bytes | None = None, rounds: int = PASSWORD_ROUNDS) -> str:
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "replace"), salt, rounds)
    return f"pbkdf2_sha256${rounds}${salt.hex()}${digest.hex()}"


def _password_matches(password: str, stored: str) -> bool:
    try:
        _, rounds, salt, _ = stored.split("$")
        again = _password_hash(password, bytes.fromhex(salt), int(rounds))
    except ValueError:
        return False
    return hmac.compare_digest(again, stored)


class Board:
    """The boards of every class, in the database at `url` (database_url() when None), connected on first use."""

    def __init__(self, url: str | None = None):
        self._url = url
        self._engine: sa.Engine | None = None
        self._lock = threading.Lock()
        self._creations = RateLimit(MAX_CLASSES_PER_HOUR, 3600)
        self._secrets: dict[str, bytes] = {}
        self._recoveries = RateLimit(MAX_RECOVERIES, 3600)

    @property
    def engine(self) -> sa.Engine:
        with self._lock:
            if self._engine is None:
                url = sa.make_url(self._url or database_url())
                options = {"pool_pre_ping": True}
                if url.get_backend_name() == "sqlite":
                    # one file shared by the server's threads (and by replicas on one machine); a writer waits
                    # up to 10 s for another instead of failing with "database is locked"
                    options = {"connect_args": {"check_same_thread": False, "timeout": 10}}
                engine = sa.create_engine(url, **options)
                if url.get_backend_name() == "sqlite":
                    sa.event.listen(engine, "connect", _sqlite_pragmas)
                metadata.create_all(engine)
                _upgrade(engine)
                self._engine = engine
            return self._engine

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def secret(self, name: str) -> bytes:
        """The server's secret `name` (32 random bytes), made by the first replica that asks and read by the rest."""
        if name not in self._secrets:
            for _ in range(2):  # two replicas making it at once: one insert wins, the other reads it
                with self.engine.connect() as db:
                    found = db.execute(sa.select(secret_table.c.value).where(secret_table.c.name == name)).scalar()
                if found is not None:
                    self._secrets[name] = bytes.fromhex(found)
                    break
                try:
                    with self.engine.begin() as db:
                        db.execute(secret_table.insert().values(name=name, value=secrets.token_hex(32)))
                except sa.exc.IntegrityError:
                    continue
        return self._secrets[name]

    # ---- the teacher --------------------------------------------------------------------------------------------

    def create(self, title: str, study: str, teacher: str | None = None, client: str = "",
               password: str = "") -> tuple[str, str]:
        """A new class: (class code for the students, teacher key). The key is stored hashed; the session `teacher`
        that made it posts as the teacher; a `password` ("" for none) lets the teacher get a new key (`new_key`).
        At most MAX_CLASSES_PER_HOUR from one `client`."""
        if study not in STUDIES:
            raise BoardError("bad_study", names=", ".join(STUDIES))
        stored_password = _password_hash(check_password(password)) if password else ""
        self._creations.check(client)
        title = " ".join(title.split())[:MAX_TITLE] if isinstance(title, str) else ""
        key = secrets.token_urlsafe(16)
        for _ in range(5):  # a clash among 8.5e11 codes is unlikely; try again if it happens
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self.engine.begin() as db:
                    db.execute(class_table.insert().values(code=code, teacher_key_sha256=_sha256(key),
                                                           title=title, study=study, created=time.time(),
                                                           closed=False, teacher_password=stored_password))
                    if teacher:
                        db.execute(teacher_table.insert().values(code=code, session_sha256=_sha256(teacher)))
                return code, key
            except sa.exc.IntegrityError:
                continue
        raise RuntimeError("could not find a free class code")

    def new_key(self, code, password, client: str = "", teacher: str | None = None) -> str:
        """A new teacher key for class `code`, given its teacher password; the old key stops working, and the session
        `teacher` is the class's teacher from now on. At most MAX_RECOVERIES tries from one `client` an hour."""
        info = self.info(code)
        self._recoveries.check(client, "too_many_tries")
        with self.engine.connect() as db:
            stored = db.execute(sa.select(class_table.c.teacher_password)
                                .where(class_table.c.code == info.code)).scalar()
        if not stored:
            raise BoardError("no_password")
        if not isinstance(password, str) or not _password_matches(password, stored):
            raise BoardError("wrong_password")
        key = secrets.token_urlsafe(16)
        with self.engine.begin() as db:
            db.execute(class_table.update().where(class_table.c.code == info.code)
                       .values(teacher_key_sha256=_sha256(key)))
        self._teacher(info.code, key, teacher)
        return key

    def is_teacher(self, code, session: str | None) -> bool:
        """Whether browser `session` created class `code` or proved its teacher key."""
        if not session:
            return False
        with self.engine.connect() as db:
            return db.execute(sa.select(teacher_table.c.code).where(
                teacher_table.c.code == check_code(code),
                teacher_table.c.session_sha256 == _sha256(session))).first() is not None

    def delete(self, code, key, post_id: int, teacher: str | None = None) -> None:
        code = self._teacher(code, key, teacher)
        with self.engine.begin() as db:
            gone = db.execute(post_table.delete().where(post_table.c.code == code,
                                                        post_table.c.id == post_id)).rowcount
        if not gone:
            raise BoardError("no_post", number=post_id)

    def close(self, code, key, teacher: str | None = None) -> None:
        code = self._teacher(code, key, teacher)
        with self.engine.begin() as db:
            db.execute(class_table.update().where(class_table.c.code == code).values(closed=True))

    def _teacher(self, code, key, session: str | None = None) -> str:
        """The class's code when `key` is its teacher key (then `session` posts as its teacher from now on)."""
        info = self.info(code)
        with self.engine.connect() as db:
            stored = db.execute(sa.select(class_table.c.teacher_key_sha256)
                                .where(class_table.c.code == info.code)).scalar()
        if not isinstance(key, str) or not hmac.compare_digest(stored, _sha256(key.strip())):
            raise BoardError("wrong_key")
        if session:
            with self.engine.begin() as db:
                known = db.execute(sa.select(teacher_table.c.code).where(
                    teacher_table.c.code == info.code, teacher_table.c.session_sha256 == _sha256(session))).first()
                if known is None:
                    db.execute(teacher_table.insert().values(code=info.code, session_sha256=_sha256(session)))
        return info.code

    # ---- the students -------------------------------------------------------------------------------------------

    def info(self, code) -> ClassInfo:
        code = check_code(code)
        with self.engine.connect() as db:
            c = class_table.c
            row = db.execute(sa.select(c.code, c.title, c.study, c.closed).where(c.code == code)).first()
        if row is None:
            raise BoardError("unknown_code")
        return ClassInfo(row.code, row.title, row.study, bool(row.closed))

    def post(self, code, nickname, run, run_key: str, session: str = "") -> int:
        """Post a finished run (ui.history.Run with a test accuracy) under `nickname` for browser `session`; returns
        the post's number. A session posts at most MAX_POSTS_EACH runs to a class; its teacher's are marked."""
        nickname = check_nickname(nickname)
        info = self.info(code)
        if info.closed:
            raise BoardError("closed")
        poster = _sha256(session)
        with self.engine.begin() as db:
            count = db.execute(sa.select(sa.func.count()).select_from(post_table)
                               .where(post_table.c.code == info.code)).scalar()
            if count >= MAX_POSTS:
                raise BoardError("full", most=MAX_POSTS)
            mine = db.execute(sa.select(sa.func.count()).select_from(post_table)
                              .where(post_table.c.code == info.code, post_table.c.poster == poster)).scalar()
            if mine >= MAX_POSTS_EACH:
                raise BoardError("enough", most=MAX_POSTS_EACH)
            by_teacher = db.execute(sa.select(teacher_table.c.code).where(
                teacher_table.c.code == info.code, teacher_table.c.session_sha256 == poster)).first() is not None
            settings = {k: v for k, v in run.settings.items() if k != "log_every"}
            try:
                result = db.execute(post_table.insert().values(
                    code=info.code, nickname=nickname, kind=run.kind, settings=json.dumps(settings),
                    test_accuracy=float(run.test_accuracy), seconds=float(run.seconds), run_key=_sha256(run_key),
                    posted=time.time(), poster=poster, by_teacher=by_teacher))
            except sa.exc.IntegrityError:
                raise BoardError("already") from None
            return int(result.inserted_primary_key[0])

    def posts(self, code) -> tuple[ClassInfo, list[Post]]:
        """The class and its posts (newest first, at most BOARD_ROWS)."""
        info = self.info(code)
        with self.engine.connect() as db:
            rows = db.execute(sa.select(post_table).where(post_table.c.code == info.code)
                              .order_by(post_table.c.posted.desc(), post_table.c.id.desc()).limit(BOARD_ROWS)).all()
        return info, [Post(r.id, r.nickname, r.kind, json.loads(r.settings), r.test_accuracy, r.seconds, r.posted,
                           bool(r.by_teacher)) for r in rows]


def _upgrade(engine: sa.Engine) -> None:
    """Add to a database made before them the post columns that came later (create_all adds only tables)."""
    added = {"board_posts": {"poster": "VARCHAR(64) NOT NULL DEFAULT ''",
                             "by_teacher": "BOOLEAN NOT NULL DEFAULT FALSE"},
             "board_classes": {"teacher_password": "VARCHAR(200) NOT NULL DEFAULT ''"}}
    for table, columns in added.items():
        present = {c["name"] for c in sa.inspect(engine).get_columns(table)}
        with engine.begin() as db:
            for name, declaration in columns.items():
                if name not in present:
                    db.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}"))


class RateLimit:
    """At most `most` events per key in any `window` seconds, counted in this process."""

    def __init__(self, most: int, window: float):
        self.most, self.window = most, window
        self._times: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str, refusal: str = "too_many_classes") -> None:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._times.get(key, []) if now - t < self.window]
            if len(recent) >= self.most:
                self._times[key] = recent
                raise BoardError(refusal, most=self.most)
            self._times[key] = recent + [now]
            if len(self._times) > 10_000:  # forget the keys that have nothing in the window
                self._times = {k: v for k, v in self._times.items() if v and now - v[-1] < self.window}


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def setting_of(post: Post, study: str):
    """The studied setting's value in a post (the model's name for "kind"), or None when the run had none."""
    if study == "kind":
        return post.kind
    value = post.settings.get(study)
    return value if not isinstance(value, float) or math.isfinite(value) else None
