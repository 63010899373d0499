"""hxgy.memo: a remembered function runs again only for arguments that differ in any way that could change
its result."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from hxgy import memo
from hxgy.terms import Period


@pytest.fixture(autouse=True)
def _empty() -> None:
    memo.forget()


def test_equal_frames_have_equal_fingerprints_and_any_difference_shows() -> None:
    frame = pd.DataFrame({"班级": ["一(1)班", "一(2)班"], "数值": [1, 2]})
    assert memo.fingerprint(frame) == memo.fingerprint(frame.copy())
    different = [
        frame.assign(数值=[1, 3]),  # a value
        frame.assign(数值=[1.0, 2.0]),  # a dtype
        frame.rename(columns={"数值": "次数"}),  # a header
        frame.set_axis([1, 2]),  # the index
        frame[["数值", "班级"]],  # the order of the columns
        frame.iloc[::-1],  # the order of the rows
    ]
    prints = {memo.fingerprint(f) for f in [frame, *different]}
    assert len(prints) == 1 + len(different)


def test_plain_values_differ_by_type_and_dataclasses_by_field() -> None:
    assert memo.fingerprint(1) != memo.fingerprint(1.0) != memo.fingerprint("1")
    assert memo.fingerprint((1, None)) != memo.fingerprint([1, None])
    term = Period(start=date(2026, 9, 1), end=date(2026, 11, 22), label="第一学期", school_year_id=1, term_id=3)
    assert memo.fingerprint(term) == memo.fingerprint(Period(**term.__dict__))
    assert memo.fingerprint(term) != memo.fingerprint(Period(**{**term.__dict__, "end": date(2026, 11, 23)}))
    assert memo.fingerprint(object()) is None  # not comparable: never remembered


def test_a_remembered_function_runs_once_for_equal_arguments() -> None:
    calls: list[int] = []

    @memo.remembered
    def doubled(frame: pd.DataFrame, *, by: int = 2, note: object = None) -> pd.DataFrame:
        calls.append(len(frame))
        return frame * by

    frame = pd.DataFrame({"a": [1, 2]})
    first = doubled(frame)
    assert doubled(frame.copy()) is first and len(calls) == 1
    assert doubled(frame, by=3) is not first and len(calls) == 2
    note = object()  # not comparable: the call runs every time, never remembered
    assert doubled(frame, note=note) is not doubled(frame, note=note) and len(calls) == 4


def test_a_remembered_result_passed_on_is_known_by_the_call_that_made_it() -> None:
    @memo.remembered
    def rows(n: int) -> pd.DataFrame:
        return pd.DataFrame({"a": range(n)})

    made = rows(3)
    assert memo.fingerprint(made) == memo.fingerprint(rows(3))
    assert memo.fingerprint(made) != memo.fingerprint(made.copy())  # the copy is compared by its bytes
    assert memo.fingerprint(rows(4)) != memo.fingerprint(made)


def test_the_least_recently_used_results_go_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "KEPT", 2)
    calls: list[int] = []

    @memo.remembered
    def square(n: int) -> list[int]:
        calls.append(n)
        return [n * n]

    square(1), square(2), square(1), square(3)  # 2 was used least recently
    assert calls == [1, 2, 3]
    square(1)
    square(2)
    assert calls == [1, 2, 3, 2]
    assert len(memo._made_by) <= 2
