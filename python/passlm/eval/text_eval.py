"""The text tasks' numbers: disassembly on held-out pairs, and perplexity.

``eval_disasm(pairs, engine, k)`` lifts every pair's assembly with
``passlm.text.lift`` and reports, as LLM Compiler does: the round-trip
rate of the first candidate and of the best of k (any candidate
round-trips), the exact-match rate of the first candidate against the
reference IR, and the corpus BLEU of first candidates against the references;
also the median seconds per function, the "verified" answers that
``passlm.llc.round_trips`` does not confirm (false "verified": must be 0), and
all of it by group: by assembly length (``ASM_BUCKETS``) and, given the
lifter learned from the training pairs, the pairs with a near-duplicate in
train (the same placeholder-normalized assembly: same code up to names and
numbers, e.g. shared gnulib code) apart from the similar and the novel ones.

``perplexity`` is exp(mean next-token loss) per token:

- of the pipeline model (``model:default`` and ``model:DIR``) on held-out
  IR, over the input it reads (summary line and normalized IR, condensed to
  its context as in prediction; the answer left out);
- of a disassembly model on held-out pairs, separately over the assembly
  and over the IR (given the assembly).

Token counts differ between tokenizers, so perplexities compare models that
share one only.
"""
from __future__ import annotations

import math
import statistics
import time
from typing import Callable, Optional, Sequence


#: Assembly-length buckets of the disassembly report (characters of llc's assembly, upper bounds).
ASM_BUCKETS = (500, 1000, 2000, 3000)
#: A held-out pair whose nearest training text is at least this alike (Jaccard of normalized lines and
#: line pairs, passlm.text.lifter.features) is "similar"; 1.0 (the same text) is a near-duplicate.
SIMILAR = 0.8


def asm_bucket(chars: int) -> str:
    for bound in ASM_BUCKETS:
        if chars <= bound:
            return f"asm<={bound}"
    return f"asm>{ASM_BUCKETS[-1]}"


def _train_likeness(pair, lifter) -> dict:
    if lifter is None:
        return {}
    from ..text.placeholders import normalize

    similarity = lifter.similarity(normalize(pair.asm)[0])
    return {"near_duplicate": similarity >= 1.0, "train_similarity": round(similarity, 3)}


def _lift_row(pair, engine: str, k: int) -> tuple[dict, str]:
    """(the row of one pair, the first candidate's IR)."""
    from ..llc import round_trips
    from ..text.lift import lift_assembly
    from ..textmetrics import exact_match

    start = time.perf_counter()
    try:
        lifted = lift_assembly(pair.asm, engine, k, name=pair.function)
    except ValueError as e:  # e.g. too long for the model's context: counted as a miss
        return {"error": str(e), "seconds": round(time.perf_counter() - start, 3)}, ""
    seconds = time.perf_counter() - start
    first = lifted.candidates[0] if lifted.candidates else None
    return {"candidates": len(lifted.candidates),
            "first_round_trips": bool(first and first.round_trips),
            "any_round_trips": lifted.verified,
            # checked again by passlm.llc.round_trips, another path than lift's: a "verified" that is not
            "false_verified": bool(lifted.verified and not round_trips(lifted.ir, pair.asm)),
            "first_exact": bool(first and exact_match(first.ir, pair.ir)),
            "first_bleu_asm": first.bleu if first else 0.0,
            "seconds": round(seconds, 3)}, (first.ir if first else "")


def disasm_figures(rows: Sequence[dict], firsts: Sequence[str], references: Sequence[str], k: int) -> dict:
    """Rates, BLEU and median time of a group of rows."""
    from ..textmetrics import corpus_bleu

    n = max(1, len(rows))
    seconds = [r["seconds"] for r in rows]
    return {"pairs": len(rows),
            "round_trip_top1": sum(r.get("first_round_trips", False) for r in rows) / n,
            f"round_trip_best_of_{k}": sum(r.get("any_round_trips", False) for r in rows) / n,
            "exact_match_top1": sum(r.get("first_exact", False) for r in rows) / n,
            "bleu_top1_ir": corpus_bleu(list(firsts), list(references)) if rows else 0.0,
            "median_seconds": statistics.median(seconds) if seconds else 0.0,
            "false_verified": sum(r.get("false_verified", False) for r in rows)}


def _groups(rows: Sequence[dict], firsts: Sequence[str], references: Sequence[str], k: int) -> dict:
    keys = {"all": lambda r: True}
    if rows and "near_duplicate" in rows[0]:
        keys["near_duplicate"] = lambda r: r["near_duplicate"]
        keys[f"similar (>={SIMILAR}, not near-duplicate)"] = \
            lambda r: not r["near_duplicate"] and r["train_similarity"] >= SIMILAR
        keys["novel"] = lambda r: r["train_similarity"] < SIMILAR
    for bucket in [asm_bucket(b) for b in ASM_BUCKETS] + [asm_bucket(ASM_BUCKETS[-1] + 1)]:
        keys[bucket] = lambda r, b=bucket: r["bucket"] == b
    groups = {}
    for name, wanted in keys.items():
        chosen = [i for i, r in enumerate(rows) if wanted(r)]
        groups[name] = disasm_figures([rows[i] for i in chosen], [firsts[i] for i in chosen],
                                      [references[i] for i in chosen], k)
    return groups


def eval_disasm(pairs: Sequence, engine: str, k: int = 4, progress: Optional[Callable[[str], None]] = None,
                train_lifter=None) -> dict:
    """Lifts every pair (see the module doc); ``train_lifter`` (a Lifter learned from the training pairs)
    marks the pairs with a near-duplicate in train, reported apart."""
    from .. import __version__
    from ..llc import DEFAULT_LLC_ARGS

    rows, firsts, references = [], [], []
    start = time.perf_counter()
    for number, pair in enumerate(pairs):
        if progress:
            progress(f"{number + 1}/{len(pairs)} {pair.function}")
        row, first = _lift_row(pair, engine, k)
        rows.append({"function": pair.function, "module": pair.module, "package": pair.package,
                     "asm_chars": len(pair.asm), "bucket": asm_bucket(len(pair.asm)),
                     **_train_likeness(pair, train_lifter), **row})
        firsts.append(first)
        references.append(pair.ir)
    groups = _groups(rows, firsts, references, k)
    return {"task": "disasm", "engine": engine, "k": k, "pairs": len(rows), "passlm": __version__,
            "llc_args": list(DEFAULT_LLC_ARGS), "seconds": round(time.perf_counter() - start, 1),
            **{key: value for key, value in groups["all"].items() if key != "pairs"},
            "errors": sum("error" in r for r in rows), "groups": groups, "rows": rows}


def format_disasm(doc: dict) -> str:
    k = doc["k"]
    lines = [f"disassembly: engine {doc['engine']}, {doc['pairs']} held-out pairs, k={k} ({doc['seconds']} s)",
             f"  round trip, first candidate: {100 * doc['round_trip_top1']:.1f} %",
             f"  round trip, best of {k}:      {100 * doc[f'round_trip_best_of_{k}']:.1f} %",
             f"  exact match, first:          {100 * doc['exact_match_top1']:.1f} %",
             f"  BLEU of first IR:            {doc['bleu_top1_ir']:.3f}"]
    if "median_seconds" in doc:
        lines.append(f"  median time per function:    {doc['median_seconds']:.2f} s")
        lines.append(f"  false 'verified':            {doc['false_verified']}")
    if doc.get("groups"):
        lines.append(f"  {'group':<40} {'pairs':>5} {'rt first':>8} {'rt any':>7} {'exact':>6} {'BLEU':>6} {'median s':>8}")
        for name, g in doc["groups"].items():
            lines.append(f"  {name:<40} {g['pairs']:>5} {100 * g['round_trip_top1']:>7.1f}% "
                         f"{100 * g[f'round_trip_best_of_{k}']:>6.1f}% {100 * g['exact_match_top1']:>5.1f}% "
                         f"{g['bleu_top1_ir']:>6.3f} {g['median_seconds']:>8.2f}")
    lines.append("  (LLM Compiler 13B on MiBench: 45 % round trip, 14 % exact match)")
    return "\n".join(lines)


def pipeline_model_perplexity(spec: str, ir_texts: Sequence[str]) -> dict:
    """Perplexity of a pipeline model on the inputs it reads (see the module doc)."""
    import torch
    import torch.nn.functional as F

    from ..engine.model import model_dir
    from ..model.pipeline_lm import PipelineLM

    lm = PipelineLM.load(model_dir(spec.partition(":")[2]))
    total, tokens = 0.0, 0
    for text in ir_texts:
        ids = lm.encode(text).ids[:-1]  # <s> summary IR (without <answer>)
        inputs = torch.tensor([ids], device=lm.model.device)
        with torch.no_grad():
            logits = lm.model(input_ids=inputs).logits[0, :-1]
        total += float(F.cross_entropy(logits.float(), inputs[0, 1:], reduction="sum"))
        tokens += len(ids) - 1
    return {"model": spec, "modules": len(ir_texts), "tokens": tokens, "ir": math.exp(total / max(1, tokens))}


def disasm_model_perplexity(spec: str, pairs: Sequence) -> dict:
    """Perplexity of a disassembly model over the assembly and over the IR of held-out pairs."""
    from ..model.text_lm import TextLM

    lm = TextLM.load(spec.partition(":")[2])
    asm_loss = asm_tokens = ir_loss = ir_tokens = 0
    used = 0
    for pair in pairs:
        if not lm.fits(pair.asm, pair.ir):
            continue
        a, na, i, ni = lm.token_losses(pair.asm, pair.ir)
        asm_loss, asm_tokens, ir_loss, ir_tokens = asm_loss + a, asm_tokens + na, ir_loss + i, ir_tokens + ni
        used += 1
    return {"model": spec, "pairs": used, "asm_tokens": asm_tokens, "ir_tokens": ir_tokens,
            "asm": math.exp(asm_loss / max(1, asm_tokens)), "ir": math.exp(ir_loss / max(1, ir_tokens))}
