"""Altair chart builders with Chinese labels (no Streamlit here).

Every builder takes a DataFrame whose columns are already named for people,
a title and a stamp (the filters used), so the same chart renders on the page
and exports to PNG with the stamp under the title.

Building an Altair chart is slow (every ``encode`` and ``to_dict`` validates against the Vega-Lite schema:
tens of milliseconds a chart), and a page draws the same charts again on every click. So the builders are
``hxgy.memo.remembered``: called again with equal arguments (the same frame, byte for byte, and the same
options), they return the chart they built before, the same object. Callers never change a chart they get;
they change a copy (``chart.copy()``, ``for_projector``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import altair as alt
import pandas as pd
import vl_convert

from hxgy import formats
from hxgy.glossary import MEASURE_LABELS, STATUS_LABELS
from hxgy.memo import remembered

CJK_FONT = "Noto Sans CJK SC"
STATUS_COLOURS = {
    "达标": "#2e7d32",
    "接近目标": "#f2a900",
    "未达标": "#c62828",
    "无目标或无数据": "#9e9e9e",
    "评价未完成": "#cfcfcf",
}
LIGHT_STATUSES = ("接近目标", "评价未完成")  # status colours light enough for dark text on them
PNG_WIDTH = 760
ROW_STEP = 20  # pixels per class row: every class name stays readable
LEVEL_COLOURS = ("#1b5e20", "#66bb6a", "#ffca28", "#e53935", "#8d6e63", "#9e9e9e")  # best level first


def _layer(*charts: alt.Chart | alt.LayerChart, data: pd.DataFrame) -> alt.LayerChart:
    """alt.layer, which gives a LayerChart whenever it is not asked to facet (never here)."""
    chart = alt.layer(*charts, data=data)
    if not isinstance(chart, alt.LayerChart):  # pragma: no cover - alt.layer facets only when asked to
        raise TypeError("a layered chart was expected")
    return chart


def _finish(chart: alt.LayerChart, title: str, stamp: str) -> alt.LayerChart:
    subtitle = [stamp] if stamp else alt.Undefined
    return (
        chart.properties(title=alt.Title(title, subtitle=subtitle, anchor="start", fontSize=16, subtitleFontSize=11))
        .configure(font=CJK_FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=160)
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
    )


def status_legend(shown: pd.Series) -> alt.Legend:
    """The status legend: only the statuses present, at most three a row, so a narrow chart never cuts it off."""
    present = [s for s in STATUS_COLOURS if s in set(shown)]
    return alt.Legend(values=present or list(STATUS_COLOURS), columns=3)


@remembered
def class_bars(
    frame: pd.DataFrame,
    *,
    value: str,
    title: str,
    stamp: str,
    percent: bool = False,
    status: str | None = None,
    target: float | None = None,
    tooltip: Sequence[str] = (),
    category: str = "班级",
    rules: Sequence[tuple[float, str, str]] = (),
    pick: str | None = None,
    domain: tuple[float, float] | None = None,
) -> alt.LayerChart:
    """Horizontal bars, one per class (or school) in order; coloured by status, with the target as a line.

    ``rules``: (value, label, colour) lines labelled above the bars. ``pick``: the name of a click selection
    on ``class_id`` (the frame must carry it), for drill-down. ``domain``: the value axis's fixed range.
    """
    order = frame[category].tolist()
    axis = alt.Axis(format="%" if percent else ",") if percent else alt.Axis()
    scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    encoding = {
        "y": alt.Y(f"{category}:N", sort=order, title=None),
        "x": alt.X(f"{value}:Q", title=value, axis=axis, scale=scale),
        "tooltip": [category, alt.Tooltip(f"{value}:Q", format=".1%" if percent else ",.2f"), *tooltip],
    }
    if status:
        encoding["color"] = alt.Color(
            f"{status}:N",
            title="目标状态",
            scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
            legend=status_legend(frame[status]),
        )
    bars = alt.Chart().mark_bar().encode(**encoding)
    if pick:
        bars = bars.add_params(alt.selection_point(name=pick, fields=["class_id"], on="click", empty=False))
    layers = [bars]
    if target is not None:
        rule = pd.DataFrame({"目标": [target]})
        layers.append(alt.Chart(rule).mark_rule(color="#333", strokeDash=[4, 3]).encode(x="目标:Q"))
    layers += _labelled_rules(rules, percent)
    chart = _layer(*layers, data=frame).properties(height=alt.Step(ROW_STEP))
    return _finish(chart, title, stamp)


RULE_LABEL_ROW = 16  # pixels above the bars for each labelled rule's label


def _labelled_rules(rules: Sequence[tuple[float, str, str]], percent: bool) -> list[alt.Chart]:
    """A vertical rule per (value, label, colour), its label written above the bars, one label per row."""
    layers = []
    for row, (value, label, colour) in enumerate(rules):
        line = pd.DataFrame({"位置": [value], "说明": [label]})
        tip = [alt.Tooltip("说明:N"), alt.Tooltip("位置:Q", format=".1%" if percent else ",.1f")]
        layers.append(
            alt.Chart(line).mark_rule(color=colour, strokeDash=[5, 3], strokeWidth=2).encode(x="位置:Q", tooltip=tip)
        )
        layers.append(
            alt.Chart(line)
            .mark_text(
                color=colour,
                fontSize=12,
                fontWeight="bold",
                baseline="bottom",
                align="right" if value > 0.5 else "left",  # the label stays inside the chart's width
                dx=4 if value > 0.5 else -4,
            )
            .encode(x="位置:Q", y=alt.value(-4 - RULE_LABEL_ROW * (len(rules) - 1 - row)), text="说明:N")
        )
    return layers


@remembered
def coverage_bars(
    frame: pd.DataFrame,
    *,
    value: str,
    title: str,
    stamp: str,
    status: str,
    on_pace: float | None,
    term_target: float | None,
    tooltip: Sequence[str] = (),
    pick: str | None = None,
) -> alt.LayerChart:
    """Coverage per class against 100 % and the target for today (the term's target scaled by time gone).

    The 100 % rule and the on-pace line are labelled in Chinese; the term's own target is drawn too when it
    differs from the on-pace one (a term in progress).
    """
    whole = term_target is not None and abs(term_target - 1.0) < 1e-9  # the target is 100 % itself
    rules = [(1.0, "全覆盖 100%（学期目标）" if whole else "全覆盖 100%", "#455a64")]
    late = on_pace is not None and term_target is not None and abs(term_target - on_pace) > 1e-9
    if on_pace is not None and abs(on_pace - 1.0) > 1e-9:
        rules.append((on_pace, f"{'按进度目标' if late else '目标'} {formats.percent(on_pace)}", "#c0392b"))
    if late and not whole and term_target is not None:
        rules.append((term_target, f"学期目标 {formats.percent(term_target)}", "#8e44ad"))
    return class_bars(
        frame,
        value=value,
        title=title,
        stamp=stamp,
        percent=True,
        status=status,
        tooltip=tooltip,
        rules=rules,
        pick=pick,
        domain=(0.0, 1.0),
    )


@remembered
def heatmap(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    colour: str,
    text: str,
    title: str,
    stamp: str,
    x_order: Sequence[str],
    y_order: Sequence[str],
    status_colours: bool = False,
    scheme: Literal["blues", "greens"] = "blues",
    pick: str | None = None,
) -> alt.LayerChart:
    """A grid of cells (e.g. class × measure) coloured by status or value, each labelled.

    ``pick``: the name of a click selection on ``class_id`` (the frame must carry it) for drill-down; the
    label over a cell selects too, as ``<pick>_label``.
    """
    if status_colours:
        scale = alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))
        colour_enc = alt.Color(f"{colour}:N", scale=scale, title="目标状态", legend=status_legend(frame[colour]))
    else:
        colour_enc = alt.Color(f"{colour}:Q", scale=alt.Scale(scheme=scheme), title=colour)
    base = alt.Chart().encode(
        x=alt.X(f"{x}:N", sort=list(x_order), title=None, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y(f"{y}:N", sort=list(y_order), title=None),
    )
    cells = base.mark_rect(stroke="white").encode(color=colour_enc, tooltip=[y, x, text])
    # white on the dark colours, dark on amber and light grey
    light = alt.FieldOneOfPredicate(field=colour, oneOf=[s for s in STATUS_COLOURS if s in LIGHT_STATUSES])
    label_colour = (
        alt.condition(light, alt.value("#212121"), alt.value("white")) if status_colours else alt.value("black")
    )
    labels = base.mark_text(fontSize=11).encode(text=f"{text}:N", color=label_colour, tooltip=[y, x, text])
    if pick:
        cells = cells.add_params(alt.selection_point(name=pick, fields=["class_id"], on="click", empty=False))
        labels = labels.add_params(
            alt.selection_point(name=f"{pick}_label", fields=["class_id"], on="click", empty=False)
        )
    chart = _layer(cells, labels, data=frame).properties(height=alt.Step(ROW_STEP + 2))
    return _finish(chart, title, stamp)


@remembered
def status_cells(statuses: pd.DataFrame) -> pd.DataFrame:
    """judging.class_status rows labelled for people: 班级, 指标, 数值 (written 96.5%), 状态."""
    return statuses.assign(
        班级=statuses["class_name"],
        指标=statuses["measure"].map(MEASURE_LABELS),
        状态=statuses["status"].map(STATUS_LABELS),
        数值=[formats.measure_value(m, v) for m, v in zip(statuses["measure"], statuses["value"], strict=True)],
    )


@remembered
def status_grid(
    statuses: pd.DataFrame,
    *,
    measures: Sequence[str],
    class_order: Sequence[str],
    title: str,
    stamp: str,
    cells: pd.DataFrame | None = None,
    pick: str | None = None,
) -> alt.LayerChart:
    """Class × measure cells coloured by target status, each labelled with its figure (总览, report, slides).

    ``cells``: status_cells(statuses) when the caller already has it (总览 shows it as the download too).
    ``pick``: a click selection on class_id, for opening a class (see heatmap).
    """
    return heatmap(
        status_cells(statuses) if cells is None else cells,
        x="指标",
        y="班级",
        colour="状态",
        text="数值",
        title=title,
        stamp=stamp,
        x_order=[MEASURE_LABELS[m] for m in measures],
        y_order=class_order,
        status_colours=True,
        pick=pick,
    )


@remembered
def lines(
    frame: pd.DataFrame, *, x: str, y: str, title: str, stamp: str, colour: str | None = None, x_type: str = "T"
) -> alt.LayerChart:
    """A line over time (weeks or months), one line per ``colour`` value if given."""
    axis = alt.Axis(format="%-m月%-d日", labelAngle=0) if x_type == "T" else alt.Axis(labelAngle=0)
    encoding = {"x": alt.X(f"{x}:{x_type}", title=x, axis=axis), "y": alt.Y(f"{y}:Q", title=y), "tooltip": [x, y]}
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N", title=colour)
        encoding["tooltip"] = [x, colour, y]
    chart = _layer(alt.Chart().mark_line(point=True).encode(**encoding), data=frame).properties(height=260)
    return _finish(chart, title, stamp)


@remembered
def bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    title: str,
    stamp: str,
    colour: str | None = None,
    horizontal: bool = True,
    percent: bool = False,
    order: Sequence[str] | None = None,
    colour_order: Sequence[str] | None = None,
    colours: Sequence[str] | None = None,
    whole: bool = False,
) -> alt.LayerChart:
    """Bars per category, stacked by ``colour`` when given (in ``colour_order``, with ``colours``).

    ``whole``: the values are counts, so the axis shows whole numbers only.
    """
    axis = alt.Axis(format="%") if percent else alt.Axis(format="d", tickMinStep=1) if whole else alt.Axis()
    mark = alt.Chart().mark_bar()
    if horizontal:
        mark = mark.encode(
            y=alt.Y(f"{category}:N", sort=list(order) if order else "-x", title=None),
            x=alt.X(f"{value}:Q", title=value, axis=axis),
        )
    else:
        mark = mark.encode(
            x=alt.X(f"{category}:N", sort=list(order) if order else None, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{value}:Q", title=value, axis=axis),
        )
    tooltip = [category, alt.Tooltip(f"{value}:Q", format=".1%" if percent else ",.1f")]
    if colour:
        scale = alt.Scale(domain=list(colour_order), range=list(colours)) if colour_order and colours else alt.Scale()
        mark = mark.encode(
            color=alt.Color(f"{colour}:N", title=colour, sort=list(colour_order or []) or None, scale=scale)
        )
        if colour_order:
            mark = mark.encode(order=alt.Order("_rank:Q"))
            frame = frame.assign(_rank=frame[colour].map({c: i for i, c in enumerate(colour_order)}))
        tooltip = [category, colour, alt.Tooltip(f"{value}:Q", format=",.1f")]
    height = alt.Step(ROW_STEP + 4) if horizontal else 280
    chart = _layer(mark.encode(tooltip=tooltip), data=frame).properties(height=height)
    return _finish(chart, title, stamp)


@remembered
def side_by_side(
    frame: pd.DataFrame,
    *,
    category: str,
    group: str,
    value: str,
    title: str,
    stamp: str,
    order: Sequence[str],
    groups: Sequence[str],
    colours: Sequence[str] = ("#c62828", "#9e9e9e"),
) -> alt.LayerChart:
    """Horizontal rates per category, one bar per group next to each other (关爱学生 beside 其他学生), 0–100%."""
    scale = alt.Scale(domain=list(groups), range=list(colours))
    mark = (
        alt.Chart()
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", sort=list(order), title=None),
            yOffset=alt.YOffset(f"{group}:N", sort=list(groups)),
            x=alt.X(f"{value}:Q", title=value, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(f"{group}:N", title=None, sort=list(groups), scale=scale),
            tooltip=[category, group, alt.Tooltip(f"{value}:Q", format=".1%")],
        )
    )
    text = mark.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text(f"{value}:Q", format=".1%"), color=alt.value("#333")
    )
    chart = _layer(mark, text, data=frame).properties(height=alt.Step(ROW_STEP * 0.9))
    return _finish(chart, title, stamp)


@remembered
def dots(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    group: str,
    title: str,
    stamp: str,
    order: Sequence[str],
    group_order: Sequence[str],
) -> alt.LayerChart:
    """One row per category with a dot per group on a shared scale (e.g. teacher, parent, self per class)."""
    base = alt.Chart().encode(y=alt.Y(f"{category}:N", sort=list(order), title=None))
    spread = base.mark_rule(color="#bbb").encode(
        x=alt.X(f"min({value}):Q", scale=alt.Scale(zero=False), title=value), x2=f"max({value}):Q"
    )
    points = base.mark_point(filled=True, size=70, opacity=0.9).encode(
        x=alt.X(f"{value}:Q", scale=alt.Scale(zero=False)),
        color=alt.Color(f"{group}:N", sort=list(group_order), title=group),
        tooltip=[category, group, alt.Tooltip(f"{value}:Q", format=".1f")],
    )
    return _finish(_layer(spread, points, data=frame).properties(height=alt.Step(ROW_STEP)), title, stamp)


def for_projector(chart: alt.LayerChart, *, height: int, font_size: int) -> alt.LayerChart:
    """The same chart for a projected slide: a fixed height and large type, readable from the back of a room."""
    chart = chart.copy(deep=True)
    for layer in getattr(chart, "layer", ()):
        mark = layer.mark
        if isinstance(mark, alt.MarkDef) and mark.type == "text":
            mark.fontSize = font_size  # the labels inside heatmap cells
    for layer in getattr(chart, "layer", ()):
        colour = layer._get("encoding")._get("color") if layer._get("encoding") is not alt.Undefined else None
        legend = colour._get("legend") if isinstance(colour, alt.SchemaBase) else None
        if isinstance(legend, alt.Legend):
            legend.columns = 1  # the legend stands on the right of a slide, one status a line
    chart.title = alt.Undefined  # the slide's own title says what the chart is
    return (
        chart.properties(height=height)
        .configure(font=CJK_FONT)
        .configure_axis(labelFontSize=font_size, titleFontSize=font_size, labelLimit=400)
        .configure_legend(labelFontSize=font_size, titleFontSize=font_size, orient="right", symbolSize=font_size * 12)
        .configure_text(fontSize=font_size)
    )


def to_png(chart: alt.LayerChart, *, width: int = PNG_WIDTH) -> bytes:
    """The chart as a PNG with Chinese rendered (needs fonts-noto-cjk on the machine)."""
    spec = chart.to_dict()
    spec["width"] = width
    spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    return vl_convert.vegalite_to_png(spec, scale=2)


@remembered
def trend(
    frame: pd.DataFrame,
    *,
    term: str,
    value: str,
    series: str,
    title: str,
    stamp: str,
    percent: bool = False,
    tooltip: Sequence[str] = (),
    height: int = 280,
) -> alt.LayerChart:
    """A measure across terms: a point per term joined by a line, and the term's target as a dashed line.

    ``frame`` is long: one row per term and series (实际 / 目标), in the terms' order; ``series`` names the
    column that tells them apart (its first value is the figure, the second the target). A term without a
    target breaks the dashed line there.
    """
    order = list(dict.fromkeys(frame[term]))
    kinds = list(dict.fromkeys(frame[series]))
    axis = alt.Axis(format="%") if percent else alt.Axis()
    dashes = [[1, 0], [5, 3]][: len(kinds)]
    chart = (
        alt.Chart()
        .mark_line(point=alt.OverlayMarkDef(size=50, filled=True), invalid="break-paths-filter-domains")
        .encode(
            x=alt.X(f"{term}:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
            y=alt.Y(f"{value}:Q", title=None, axis=axis, scale=alt.Scale(zero=False, nice=True)),
            color=alt.Color(
                f"{series}:N",
                title=None,
                sort=kinds,
                scale=alt.Scale(domain=kinds, range=["#1565c0", "#555"]),
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2),
            ),
            strokeDash=alt.StrokeDash(
                f"{series}:N",
                sort=kinds,
                scale=alt.Scale(domain=kinds, range=dashes),
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2),
                title=None,
            ),
            tooltip=[*tooltip, series, alt.Tooltip(f"{value}:Q", format=".1%" if percent else ",.1f")],
        )
    )
    return _finish(_layer(chart, data=frame).properties(height=height), title, stamp)
