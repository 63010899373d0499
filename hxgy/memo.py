"""Results remembered for equal arguments, for the pure functions a page calls on every run.

A page runs again from the top on every click, and most of what it computes from the cached figures (Altair
charts, a table written for the screen, each class's status) comes out the same as last time. A function
decorated with ``remembered`` returns the result it made before when called again with equal arguments:
frames compared by their pickled bytes (values, dtypes, index, column names), dataclasses field by field,
other values by type and ``repr``. Arguments of any other kind (an Altair chart, a database session) make
the call run as usual, never remembered.

The same object is returned to every caller, on every session's thread: callers never change a remembered
result in place (they change a copy). Only functions of their arguments alone may be remembered (nothing
read from the database, the clock or the session inside).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd

P = ParamSpec("P")
R = TypeVar("R")
KEPT = 1024  # results kept over all functions (charts, tables: a few kilobytes each); least recently used go
_kept: OrderedDict[bytes, object] = OrderedDict()
_made_by: dict[int, bytes] = {}  # id of a result in _kept → the key of the call that made it
_lock = threading.Lock()
_PLAIN = (str, int, float, bool, bytes, date, datetime, time, timedelta, type(None), np.generic)


def fingerprint(value: object) -> bytes | None:
    """A digest equal only for equal values (see the module's docstring); None for a value it cannot compare."""
    digest = hashlib.blake2b(digest_size=20)

    def feed(item: object) -> bool:
        if isinstance(item, _PLAIN):
            digest.update(f"{type(item).__qualname__}:{item!r};".encode())
        elif isinstance(item, (list, tuple, frozenset, set)):
            parts = sorted(item, key=repr) if isinstance(item, (set, frozenset)) else item
            digest.update(f"{type(item).__qualname__}[{len(item)}".encode())
            if not all(feed(part) for part in parts):
                return False
            digest.update(b"]")
        elif isinstance(item, dict):
            digest.update(f"dict[{len(item)}".encode())
            if not all(feed(k) and feed(v) for k, v in item.items()):
                return False
            digest.update(b"]")
        elif (made_by := _made_by.get(id(item))) is not None:  # a remembered result, alive while kept:
            digest.update(b"result of:" + made_by)  # equal to another only if made by an equal call
        elif isinstance(item, (pd.DataFrame, pd.Series)):
            data = pickle.dumps(item, protocol=5)
            digest.update(f"{type(item).__qualname__}({len(data)}):".encode())
            digest.update(data)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            digest.update(f"{type(item).__module__}.{type(item).__qualname__}(".encode())
            if not all(feed(getattr(item, f.name)) for f in dataclasses.fields(item)):
                return False
            digest.update(b")")
        else:
            return False
        return True

    return digest.digest() if feed(value) else None


def remembered(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` returning the result it made before for equal arguments (see the module's docstring)."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        key = fingerprint((name, args, sorted(kwargs.items())))
        if key is None:
            return fn(*args, **kwargs)
        with _lock:
            if key in _kept:
                _kept.move_to_end(key)
                return _kept[key]  # type: ignore[return-value]
        result = fn(*args, **kwargs)
        with _lock:
            if key not in _kept:
                _kept[key] = result
                _made_by.setdefault(id(result), key)  # None, True, small ints: one object, made by many calls
            while len(_kept) > KEPT:
                _forget(*_kept.popitem(last=False))
        return result

    return call


def _forget(key: bytes, result: object) -> None:
    if _made_by.get(id(result)) == key:
        del _made_by[id(result)]


def forget() -> None:
    """Forget every remembered result (tests that compare with a fresh computation)."""
    with _lock:
        _kept.clear()
        _made_by.clear()
