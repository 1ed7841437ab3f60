"""The text tasks' numbers: disassembly on held-out pairs, and perplexity.

``eval_disasm(pairs, engine, k)`` lifts every pair's assembly with
``passlm.text.lift`` and reports, as LLM Compiler does: the round-trip
rate of the first candidate and of the best of k (any candidate
round-trips), the exact-match rate of the first candidate against the
reference IR, and the corpus BLEU of first candidates against the references.

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
import time
from typing import Callable, Optional, Sequence


def eval_disasm(pairs: Sequence, engine: str, k: int = 4, progress: Optional[Callable[[str], None]] = None) -> dict:
    from .. import __version__
    from ..text.lift import lift_assembly
    from ..llc import DEFAULT_LLC_ARGS
    from ..textmetrics import corpus_bleu, exact_match

    rows, firsts, references = [], [], []
    start = time.perf_counter()
    for number, pair in enumerate(pairs):
        if progress:
            progress(f"{number + 1}/{len(pairs)} {pair.function}")
        try:
            lifted = lift_assembly(pair.asm, engine, k, name=pair.function)
        except ValueError as e:  # e.g. too long for the model's context: counted as a miss
            rows.append({"function": pair.function, "module": pair.module, "error": str(e)})
            firsts.append("")
            references.append(pair.ir)
            continue
        first = lifted.candidates[0] if lifted.candidates else None
        firsts.append(first.ir if first else "")
        references.append(pair.ir)
        rows.append({"function": pair.function, "module": pair.module, "candidates": len(lifted.candidates),
                     "first_round_trips": bool(first and first.round_trips),
                     "any_round_trips": lifted.verified,
                     "first_exact": bool(first and exact_match(first.ir, pair.ir)),
                     "first_bleu_asm": first.bleu if first else 0.0})
    n = max(1, len(rows))
    return {
        "task": "disasm", "engine": engine, "k": k, "pairs": len(rows), "passlm": __version__,
        "llc_args": list(DEFAULT_LLC_ARGS), "seconds": round(time.perf_counter() - start, 1),
        "round_trip_top1": sum(r.get("first_round_trips", False) for r in rows) / n,
        f"round_trip_best_of_{k}": sum(r.get("any_round_trips", False) for r in rows) / n,
        "exact_match_top1": sum(r.get("first_exact", False) for r in rows) / n,
        "bleu_top1_ir": corpus_bleu(firsts, references),
        "errors": sum("error" in r for r in rows),
        "rows": rows,
    }


def format_disasm(doc: dict) -> str:
    k = doc["k"]
    return "\n".join([
        f"disassembly: engine {doc['engine']}, {doc['pairs']} held-out pairs, k={k} ({doc['seconds']} s)",
        f"  round trip, first candidate: {100 * doc['round_trip_top1']:.1f} %",
        f"  round trip, best of {k}:      {100 * doc[f'round_trip_best_of_{k}']:.1f} %",
        f"  exact match, first:          {100 * doc['exact_match_top1']:.1f} %",
        f"  BLEU of first IR:            {doc['bleu_top1_ir']:.3f}",
        "  (LLM Compiler 13B on MiBench: 45 % round trip, 14 % exact match)",
    ])


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
