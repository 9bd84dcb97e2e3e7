"""Answers already given, kept until the data changes.

A read answer is fully determined by what was asked (query text or
question name with its parameters, dataset, format) and by the state of the
store. The store has a version (store.version) that every write changes, so
an answer is cached under (version, request key) and the whole cache is
dropped the first time a request sees a newer version. The same pair gives
the ETag, so a browser or proxy that revalidates gets 304 without the query
being run again.

Answers are cached only when they cannot change without a write: a query
that calls SERVICE (another server's data) or NOW(), RAND(), UUID(),
STRUUID() is always run. Entries live in a size-bounded LRU (cachetools).
"""

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import LRUCache
from flask import Response, current_app, request

from koopgraph.web.context import CACHE_KEY, current_store

CACHE_CONTROL = "public, no-cache"  # keep it, but ask us (ETag) before using it


@dataclass(frozen=True)
class Answer:
    body: bytes
    content_type: str


def etag(version: str, key: tuple) -> str:
    digest = hashlib.blake2b(repr((version, key)).encode("utf-8"), digest_size=12).hexdigest()
    return f'"{digest}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Does the request's If-None-Match name this entity tag (RFC 9110, weak comparison)?"""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return tag in {part.strip().removeprefix("W/") for part in if_none_match.split(",")}


class AnswerCache:
    """Serialized answers of one store version, at most max_bytes in all;
    a single answer larger than an eighth of that is not kept."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: LRUCache = LRUCache(maxsize=max(max_bytes, 1), getsizeof=lambda a: len(a.body) + 200)
        self._version: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, version: str, key: tuple) -> Answer | None:
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            answer = self._entries.get(key)
            if answer is None:
                self.misses += 1
            else:
                self.hits += 1
            return answer

    def put(self, version: str, key: tuple, answer: Answer) -> None:
        """Keep answer, unless the store has moved on since version was read
        (then it may describe an older state) or it is too large."""
        if len(answer.body) > self.max_bytes // 8:
            return
        with self._lock:
            if version == self._version:
                self._entries[key] = answer

    def __len__(self) -> int:
        return len(self._entries)


def respond(key: tuple, produce: Callable[[], Answer], *, cacheable: bool = True) -> Response:
    """The answer for key: 304 when the client's copy is current, the cached
    answer when there is one, else produce() (kept for the next request).
    The version is read before the answer is made, so an answer is never
    filed under a version newer than the data it was made from."""
    version = current_store().version()
    tag = etag(version, key) if cacheable else None
    if tag and matches(request.headers.get("If-None-Match"), tag):
        return _finish(Response(status=304), tag)
    store_cache: AnswerCache | None = current_app.extensions.get(CACHE_KEY) if cacheable else None
    found = store_cache.get(version, key) if store_cache is not None else None
    if found is None:
        found = produce()
        if store_cache is not None:
            store_cache.put(version, key, found)
    return _finish(Response(found.body, content_type=found.content_type), tag)


def _finish(response: Response, tag: str | None) -> Response:
    response.vary.add("Accept")
    if tag:
        response.headers["ETag"] = tag
        response.headers["Cache-Control"] = CACHE_CONTROL
    else:
        response.headers["Cache-Control"] = "no-store"
    return response
