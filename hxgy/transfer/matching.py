"""Matching rows whose natural key may rightly come twice (two calls to one family on one day) to the stored
records: the n-th such row is the n-th stored record, content first, so a file in another order changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hxgy.transfer.reading import Problem
from hxgy.transfer.rows.base import Handler, Key, Prepared, R, Stored, columns_of


def number_repeats(prepared: list[Prepared[R]], warnings: list[Problem]) -> list[Prepared[R]]:
    """Give the n-th row with the same key the number n, so it matches the n-th stored record.

    Rows identical in every field are kept too (two notices sent the same day), but the preview warns. Identical
    rows share their key, so only the rows of a key that comes more than once are compared field by field.
    """
    repeated = {key for key, times in Counter(p.key for p in prepared).items() if times > 1}
    counts: dict[Key, int] = {}
    identical: dict[tuple[tuple[str, str], ...], int] = {}
    numbered: list[Prepared[R]] = []
    for p in prepared:
        n = counts.get(p.key, 0)
        counts[p.key] = n + 1
        if p.key not in repeated:
            numbered.append(replace(p, key=(*p.key, n)))
            continue
        signature = tuple(sorted((k, str(v)) for k, v in columns_of(p.record).items()))
        if signature in identical:
            warnings.append(
                Problem(
                    p.row, "", "", "", f"与第 {identical[signature]} 行完全相同，将作为两条记录导入；如是重复粘贴请删去"
                )
            )
        else:
            identical[signature] = p.row
        numbered.append(replace(p, key=(*p.key, n)))
    return numbered


def match_repeats(handler: Handler[R], unique: list[Prepared[R]], stored: dict[Key, Stored]) -> list[Prepared[R]]:
    """The rows, each numbered as the stored record it matches: by content first, then the rest in order."""
    keys = [p.key for p in unique]
    groups: dict[Key, list[int]] = {}  # key without its number -> positions in ``unique``
    for index, p in enumerate(unique):
        groups.setdefault(p.key[:-1], []).append(index)
    for base, rows in groups.items():
        if len(rows) == 1 and (*base, 1) not in stored:
            continue
        candidates: list[int] = []
        while (*base, len(candidates)) in stored:
            candidates.append(len(candidates))
        taken: dict[int, int] = {}  # stored occurrence -> position of the row that matches it
        for index in rows:
            p = unique[index]
            same = next((i for i in candidates if i not in taken and not handler.differs(p, stored[(*base, i)])), None)
            if same is not None:
                taken[same] = index
        left = [i for i in candidates if i not in taken]
        extra = len(candidates)
        for index in rows:
            match = next((i for i, q in taken.items() if q == index), None)
            if match is None and left:
                match = left.pop(0)
                taken[match] = index
            if match is None:
                match, extra = extra, extra + 1  # a new record
            keys[index] = (*base, match)
    return [p if p.key == key else replace(p, key=key) for p, key in zip(unique, keys, strict=True)]
