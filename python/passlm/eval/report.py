"""What an evaluation shows: the terminal table, and the Markdown report with
its plots (matplotlib, Agg backend; imported only when a report is made).
"""
from __future__ import annotations

import math
import shlex
from pathlib import Path
from typing import Optional, Sequence

from .aggregate import AGGREGATED, LABELS, improvement_of, is_ok, present_columns, usable

#: Columns of the per-module table and of the plots comparing engines.
SHOWN = ("O0", "Oz", "top1", "best_of_k", "best_of_k_guarded", "tuned")
COMPARED = ("top1", "top1_guarded", "best_of_k", "best_of_k_guarded", "tuned")
COLORS = {"top1": "#4c72b0", "top1_guarded": "#8fa8d6", "best_of_k": "#dd8452", "best_of_k_guarded": "#55a868",
          "tuned": "#c44e52"}
#: The group plot shows at most this many groups (those with the most modules).
MAX_GROUPS = 40
#: The report lists at most this many failed candidates.
MAX_FAILURES = 200


def percent(fraction: Optional[float]) -> str:
    return "n/a" if fraction is None else f"{fraction * 100:+.2f}%"


def _cell(result: Optional[dict], oz: dict, rank: bool = False, key: str = "object_size") -> str:
    """'2032 -2.07%' (figure, change against -Oz), the failure status, or '-' for nothing."""
    if result is None:
        return "-"
    if not is_ok(result):
        return result["status"]
    value = result[key]
    text = str(value)
    if is_ok(oz) and oz[key] and result is not oz:
        text += f" {(value / oz[key] - 1) * 100:+.2f}%"
    if rank and result.get("rank"):
        text += f" #{result['rank']}"
    return text


def format_table(cells: Sequence[Sequence[str]], right: Sequence[int] = (), sep: str = "  ") -> str:
    """Aligned text columns; the indexes in ``right`` are right-aligned."""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join(
        sep.join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in cells)


def _shown(doc: dict, columns: Sequence[str]) -> list[str]:
    """The columns to show: the autotuner's only when a store of its results was given."""
    return [c for c in columns if c != "tuned" or doc["manifest"]["tuned"]]


def module_cells(doc: dict, key: str = "object_size") -> list[list[str]]:
    """Header and one row per module: object sizes (or instruction counts) and change against -Oz;
    with sizes, the prediction latency."""
    shown = _shown(doc, SHOWN) + list(present_columns(doc["modules"]))
    latency = key == "object_size"
    rows = [["module", *(LABELS[c] for c in shown), *(["predict ms"] if latency else [])]]
    for r in doc["modules"]:
        seconds = r["prediction"]["latency_s"]
        rows.append([r["name"], *(_cell(r[c], r["Oz"], rank=c == "best_of_k", key=key) for c in shown),
                     *([("-" if seconds is None else f"{seconds * 1000:.2f}")] if latency else [])])
    return rows


def _failures(by_status: dict) -> str:
    failed = {s: n for s, n in by_status.items() if s != "ok"}
    return ", ".join(f"{s} {n}" for s, n in failed.items()) or "-"


def aggregate_cells(doc: dict) -> list[list[str]]:
    """Header and one row per column; 'of autotuner' only when autotuner results were given."""
    tuned = bool(doc["manifest"]["tuned"])
    rows = [["", "ok", "improvement (geomean)", "total size", "smaller/equal/larger", "instructions (geomean)",
             *(["of autotuner"] if tuned else []), "not ok"]]
    for column in _shown(doc, AGGREGATED) + list(present_columns(doc["modules"])):
        a = doc["aggregates"]["columns"][column]
        fraction = a["fraction_of_tuned"]
        # -O0 is no prediction: its fraction of the autotuner's gain is in the JSON only.
        of_tuned = ["-" if column == "O0" else "n/a" if fraction is None else f"{fraction * 100:.1f}%"] if tuned else []
        rows.append([a["label"], f"{a['ok']}/{a['modules']}", percent(a["geomean"]), percent(a["total"]),
                     f"{a['wins']}/{a['ties']}/{a['losses']}", percent(a["instructions_geomean"]), *of_tuned,
                     _failures(a["by_status"])])
    return rows


def summary_lines(doc: dict) -> list[str]:
    a = doc["aggregates"]
    lines = []
    cand = a["candidates"]
    statuses = ", ".join(f"{n} {s}" for s, n in cand["by_status"].items()) or "none"
    lines.append(f"candidates: {cand['evaluated']} evaluated ({statuses}); predictions: "
                 + ", ".join(f"{n} {s}" for s, n in a["predictions"].items()))
    lat = a["latency"]
    if lat["modules"]:
        lines.append(f"prediction latency: mean {lat['mean_s'] * 1000:.2f} ms, median {lat['median_s'] * 1000:.2f} ms,"
                     f" max {lat['max_s'] * 1000:.2f} ms over {lat['modules']} modules")
    if a.get("condensed") is not None:
        lines.append(f"modules longer than the model's context (condensed to fit): {a['condensed']} of {a['modules']}")
    for e in a["excluded"]:
        lines.append(f"left out of the ratios: {e['name']} ({e['reason']})")
    differ = [r["name"] for r in doc["modules"] if r["tuned"] and r["tuned"]["oz_object_size"] is not None
              and is_ok(r["Oz"]) and r["tuned"]["oz_object_size"] != r["Oz"]["object_size"]]
    if differ:
        lines.append(f"warning: the autotuner's store has another -Oz size than this run for {len(differ)} "
                     f"modules ({', '.join(differ[:5])}{', ...' if len(differ) > 5 else ''})")
    return lines


def format_terminal(doc: dict) -> str:
    m = doc["manifest"]
    s = m["settings"]
    head = (f"engine: {m['engine']['spec']}  k={s['k']}  seed={s['seed']}"
            + (f"  search={s['search']}" if s.get("search") else "") + "\n"
            f"suite: {m['suite']['description']}")
    if m["tuned"]:
        head += f"\nautotuner: {m['tuned']['spec']}"
    cells = aggregate_cells(doc)
    sizes = format_table(module_cells(doc), right=range(1, 20))
    aggregates = format_table(cells, right=range(1, len(cells[0]) - 1))
    return "\n\n".join([head, "object size in bytes, change against -Oz (best-of-k: #rank of the candidate kept)\n"
                        + sizes, "improvement over -Oz\n" + aggregates, "\n".join(summary_lines(doc))])


# ------------------------------------------------------------------ Markdown


def _md_table(cells: list[list[str]], right: Sequence[int] = ()) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(esc(c) for c in cells[0]) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(cells[0]))) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells[1:]]
    return "\n".join(lines)


DEFINITIONS = """\
- **-O0**: the module as it is (no passes); **-Oz**: `default<Oz>`, the baseline of every ratio.
- **top-1**: the engine's first candidate, unguarded; a top-1 that fails (LLVM rejects the pipeline: `invalid`;
  it kills LLVM: `crash`; `timeout`; the engine fails: `engine-error`, or proposes nothing: `no-candidates`)
  counts as a failure, and its improvement is computed over the modules where it is ok.
- **top-1 guarded**: the top-1 when it is ok and smaller than -Oz, else -Oz (all modules).
- **best-of-k**: the smallest of the first k candidates that evaluate ok (over the modules that have one);
  **best-of-k guarded**: min(best-of-k, -Oz) (all modules).
- **autotuner**: the best result the autotuner recorded for the module (modules with one).
- **improvement (geomean)** = 1 - geomean(size / size(-Oz)); **total size** = 1 - sum(size) / sum(size(-Oz));
  size = text + data of the object (docs/conventions.md). Positive is smaller than -Oz. **instructions (geomean)**:
  the same form on IR instruction counts (of the same pipelines).
- **of autotuner**: on the modules with an autotuner result where the column is ok, the column's geomean
  improvement divided by the autotuner's."""


def markdown(doc: dict, plots: Sequence[tuple[str, str]], json_path: Optional[str] = None) -> str:
    m = doc["manifest"]
    s = m["settings"]
    commit = m["git_commit"] or "unknown commit"
    aggregates = aggregate_cells(doc)
    lines = [
        "# passlm evaluation", "",
        f"- engine: `{m['engine']['spec']}`, k = {s['k']}, seed = {s['seed']}"
        + (f", model sha256 `{m['engine']['model_hash']}`" if m["engine"]["model_hash"] else ""),
        f"- suite: {m['suite']['description']}",
        f"- autotuner results: `{m['tuned']['spec']}`" if m["tuned"] else "- autotuner results: none given",
        f"- passlm {m['passlm_version']} ({commit}), LLVM {m['llvm_version']}",
        f"- machine: {m['machine']['platform']}, {m['machine']['cpu_count']} CPUs",
        f"- run: {m['started']} to {m['finished']} ({m['seconds']:.1f} s)",
        "", "## Improvement over -Oz", "",
        _md_table(aggregates, right=range(1, len(aggregates[0]) - 1)), "",
        *(f"{line}  " for line in summary_lines(doc)), "",
        DEFINITIONS, "",
    ]
    for title, name in plots:
        lines += [f"### {title}", "", f"![{title}]({name})", ""]
    lines += ["## Per module", "", "Object size in bytes, change against -Oz; best-of-k shows the rank of the "
              "candidate kept.", "", _md_table(module_cells(doc), right=range(1, 20)), "",
              "IR instruction count, change against -Oz (the instructions of the pipeline kept by size).", "",
              _md_table(module_cells(doc, "instructions"), right=range(1, 20)), ""]
    pipelines = _shown(doc, ("top1", "best_of_k", "tuned"))
    lines += ["## Pipelines", "", _md_table(
        [["module", *(LABELS[c] for c in pipelines)]]
        + [[r["name"], *(f"`{r[c]['pipeline']}`" if r[c] and r[c]["pipeline"] is not None else "-"
                         for c in pipelines)] for r in doc["modules"]]), ""]
    failed = [(r["name"], c) for r in doc["modules"] for c in r["candidates"] if c["status"] != "ok"]
    failed += [(r["name"], {**r["top1"], "rank": "-", "pipeline": "-"}) for r in doc["modules"]
               if r["prediction"]["status"] != "ok"]
    if failed:
        lines += ["## Failed predictions", "", _md_table(
            [["module", "rank", "pipeline", "status", "detail"]]
            + [[name, str(c["rank"]), f"`{c['pipeline']}`", c["status"], (c["detail"] or "").replace("\n", " ")]
               for name, c in failed[:MAX_FAILURES]]), ""]
        if len(failed) > MAX_FAILURES:
            lines += [f"... and {len(failed) - MAX_FAILURES} more (all are in the JSON).", ""]
    lines += ["## Reproduce", ""]
    if json_path:
        lines += ["```sh", f"passlm eval --replay {shlex.quote(str(json_path))}", "```", "",
                  "re-runs this evaluation (same suite, engine, k and seed) and lists every number that differs.", ""]
    if m["command"]:
        lines += ["The command that made this report:", "", "```sh", shlex.join(m["command"]), "```",
                  ""]
    return "\n".join(lines)


# ------------------------------------------------------------------ plots


def _per_module_improvements(doc: dict, column: str) -> list[float]:
    return [(1 - r[column]["object_size"] / r["Oz"]["object_size"]) * 100
            for r in doc["modules"] if usable(r) and is_ok(r[column]) and r[column]["object_size"] > 0]


def _compared(doc: dict) -> list[str]:
    """The columns worth plotting: the autotuner only when some module has a result."""
    return [c for c in COMPARED if c != "tuned" or doc["aggregates"]["columns"]["tuned"]["ok"]]


def plot_histogram(doc: dict, path: Path, plt) -> None:
    columns = [c for c in ("top1", "best_of_k_guarded", "tuned") if c in _compared(doc)]
    data = {c: _per_module_improvements(doc, c) for c in columns}
    values = [v for c in columns for v in data[c]]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    if values:
        lo, hi = min(values + [0.0]), max(values + [0.0])
        width = max(hi - lo, 1.0) / 20
        # One bin centred on 0 (the modules as small as with -Oz).
        first, last = math.floor(lo / width + 0.5), math.ceil(hi / width - 0.5)
        bins = [(j - 0.5) * width for j in range(first, last + 2)]
        ax.hist([data[c] for c in columns], bins=bins, color=[COLORS[c] for c in columns],
                label=[f"{LABELS[c]} ({len(data[c])} modules)" for c in columns])
        ax.legend()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("improvement over -Oz, % (1 - size / size(-Oz); right is smaller)")
    ax.set_ylabel("modules")
    ax.set_title("Per-module improvement over -Oz")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def group_improvements(doc: dict, columns: Sequence[str]) -> tuple[list[str], dict[str, list[float]], int]:
    """(groups shown, geomean improvement % per column per group, groups left out)."""
    groups: dict[str, list[dict]] = {}
    for r in doc["modules"]:
        if usable(r):
            groups.setdefault(r["group"], []).append(r)
    names = sorted(groups, key=lambda g: (-len(groups[g]), g))[:MAX_GROUPS]
    names.sort()
    data = {}
    for c in columns:
        figures = []
        for g in names:
            imp = improvement_of([(r[c], r["Oz"]) for r in groups[g] if is_ok(r[c])], "object_size")
            figures.append(imp["geomean"] * 100 if imp else 0.0)
        data[c] = figures
    return names, data, len(groups) - len(names)


def plot_groups(doc: dict, path: Path, plt, by: str) -> None:
    columns = [c for c in ("top1", "best_of_k_guarded", "tuned") if c in _compared(doc)]
    names, data, left_out = group_improvements(doc, columns)
    height = 0.8 / len(columns)
    fig_height = 1.6 + 0.32 * len(names) * max(1, len(columns) / 2)
    fig, ax = plt.subplots(figsize=(8, fig_height))
    for i, c in enumerate(columns):
        ax.barh([y + (i - (len(columns) - 1) / 2) * height for y in range(len(names))], data[c], height,
                color=COLORS[c], label=LABELS[c])
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("improvement over -Oz, % (geomean over the group's modules; right is smaller)")
    title = f"Improvement over -Oz by {by}"
    if left_out:
        title += f" ({len(names)} largest of {len(names) + left_out})"
    ax.set_title(title)
    fig.legend(loc="lower center", ncol=len(columns), fontsize="small", frameon=False)
    fig.tight_layout(rect=(0, 0.35 / fig_height, 1, 1))  # the legend below the axes
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_aggregates(doc: dict, path: Path, plt) -> None:
    columns = _compared(doc)
    aggs = doc["aggregates"]["columns"]
    values = [(aggs[c]["geomean"] or 0.0) * 100 for c in columns]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bars = ax.bar(range(len(columns)), values, color=[COLORS[c] for c in columns])
    for bar, c, v in zip(bars, columns, values):
        a = aggs[c]
        ax.annotate(f"{v:+.2f}%\n{a['ok']}/{a['modules']} ok", (bar.get_x() + bar.get_width() / 2, v),
                    xytext=(0, 3 if v >= 0 else -3), textcoords="offset points", ha="center",
                    va="bottom" if v >= 0 else "top", fontsize="small")
    ax.set_xticks(range(len(columns)), [LABELS[c] for c in columns])
    ax.axhline(0, color="black", linewidth=0.8)
    low, high = min(values + [0.0]), max(values + [0.0])
    pad = max(high - low, 0.5) * 0.25
    ax.set_ylim(low - (pad if low < 0 else 0), high + pad)
    ax.set_ylabel("improvement over -Oz, % (geomean)")
    ax.set_title("Top-1 vs best-of-k vs autotuner")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(doc: dict, directory: str | Path, json_path: Optional[str] = None) -> Path:
    """report.md and its PNG plots in DIRECTORY; returns the report's path."""
    try:
        import matplotlib
    except ImportError:
        from .suite import EvalError

        raise EvalError("--report needs matplotlib: pip install 'passlm[plots]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    by = "package" if doc["manifest"]["suite"]["kind"] == "store" else "file"
    plots = [("Per-module improvement over -Oz", "improvement_hist.png", plot_histogram),
             (f"Improvement by {by}", "groups.png", lambda d, p, m: plot_groups(d, p, m, by)),
             ("Top-1 vs best-of-k vs autotuner", "aggregates.png", plot_aggregates)]
    for _, name, plot in plots:
        plot(doc, out / name, plt)
    report = out / "report.md"
    report.write_text(markdown(doc, [(title, name) for title, name, _ in plots], json_path))
    return report
