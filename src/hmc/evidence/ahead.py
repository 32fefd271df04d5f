"""Reading ahead: a file's rows read and converted on a thread of their own while the
database writes the ones before (Arrow and SQLite let go of Python's lock while they work).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
DEPTH = 2  # items read ahead of the one being written: memory stays bounded
_END = object()


def ahead(items: Iterator[T], depth: int = DEPTH) -> Iterator[T]:
    """``items`` in order, made on another thread up to ``depth`` ahead of the consumer.

    An error raised making them is raised here, after the items made before it. When the
    consumer stops early (an error of its own), the thread stops too.

    >>> list(ahead(iter(range(5))))
    [0, 1, 2, 3, 4]
    """
    made: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                made.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def run() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
        else:
            put(_END)

    thread = threading.Thread(target=run, name="hmc-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := made.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
