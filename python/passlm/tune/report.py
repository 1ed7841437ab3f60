"""What the autotuner found: per-module and aggregate improvement over -Oz,
and how the best so far grew with evaluations."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Optional, Sequence

from ..metrics import improvement_over_oz
from ..defaults import OZ
from ..store import Store
from .search import value_of


@dataclass
class ModuleResult:
    module: str
    source: str
    package: Optional[str]
    oz: Optional[int]
    best: Optional[int]
    best_pipeline: Optional[str]
    evaluations: int
    failed: int  # crash, timeout or invalid

    @property
    def improvement(self) -> Optional[float]:
        return 1 - self.best / self.oz if self.best and self.oz else None


def module_results(store: Store, modules: Sequence[str], objective: str = "size") -> list[ModuleResult]:
    results = []
    for module in modules:
        info = store.module_info(module)
        history = store.evaluations(module)
        oz = store.evaluation(module, OZ)
        best = store.best(module, objective)
        results.append(ModuleResult(
            module, info["source"], info["package"],
            value_of(oz, objective) if oz else None,
            value_of(best, objective) if best else None,
            best.pipeline if best else None,
            len(history), sum(not e.ok for e in history)))
    return results


def summarize(results: Sequence[ModuleResult]) -> dict:
    measured = [r for r in results if r.oz and r.best]
    summary = {"modules": len(results), "measured": len(measured),
               "evaluations": sum(r.evaluations for r in results), "failed": sum(r.failed for r in results)}
    if measured:
        imp = improvement_over_oz([r.best for r in measured], [r.oz for r in measured])
        summary.update(asdict(imp))
    return summary


def format_report(results: Sequence[ModuleResult], objective: str = "size") -> str:
    unit = "bytes" if objective == "size" else "instructions"
    rows = [("module", f"-Oz {unit}", "best", "change", "evals", "best pipeline")]
    for r in results:
        change = f"{-100 * r.improvement:+.2f}%" if r.improvement is not None else "-"
        rows.append((r.source, str(r.oz or "-"), str(r.best or "-"), change, str(r.evaluations),
                     r.best_pipeline or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:5], widths[1:])] + [row[5]])
             for row in rows]
    s = summarize(results)
    if "geomean" in s:
        lines.append(f"improvement over -Oz on {s['measured']} modules: {s['geomean'] * 100:+.2f}% geomean, "
                     f"{s['total'] * 100:+.2f}% total; {s['wins']} smaller, {s['ties']} equal, {s['losses']} larger; "
                     f"{s['evaluations']} evaluations, {s['failed']} failed")
    return "\n".join(lines)


def best_so_far_curve(store: Store, modules: Sequence[str], objective: str = "size") -> list[float]:
    """Geomean improvement over -Oz after n evaluations of each module, n = 1, 2, ...

    A module's curve starts at -Oz (its first evaluation) and keeps its last
    value once its search has ended."""
    curves = []
    for module in modules:
        oz = store.evaluation(module, OZ)
        oz_value = value_of(oz, objective) if oz else None
        if not oz_value:
            continue
        best, curve = oz_value, []
        for e in store.evaluations(module):
            v = value_of(e, objective)
            if v is not None and v < best:
                best = v
            curve.append(math.log(best / oz_value))
        curves.append(curve)
    if not curves:
        return []
    longest = max(len(c) for c in curves)
    return [1 - math.exp(sum(c[min(n, len(c) - 1)] for c in curves) / len(curves)) for n in range(longest)]


def plot_curve(curve: Sequence[float], path: str, title: str = "autotuner: best so far") -> None:
    try:
        import matplotlib
    except ImportError:
        from ..command import UserError

        raise UserError("--plot needs matplotlib: pip install 'passlm[plots]'") from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(range(1, len(curve) + 1), [100 * v for v in curve])
    ax.set_xlabel("evaluations per module")
    ax.set_ylabel("improvement over -Oz (geomean, %)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
