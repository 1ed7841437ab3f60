"""The learning curve of the retrieval lifter: ``python -m passlm.eval.disasm_curve TRAIN TEST OUT [SAMPLE]``.

Lifters are learned (in memory, :meth:`passlm.text.lifter.Lifter.from_pairs`)
from the pairs of the first 1/8, 1/4, 1/2 and all of the training modules
of TRAIN (a pair file), in a seeded random order (the sorted module hashes
shuffled with seed 0), so nested random subsets. Each is measured on the held-out
pairs of TEST: the share whose placeholder-normalized assembly is a training
text (a near-duplicate), the share with a training text at least
``SIMILAR`` alike, and the round trip at k=1 on a fixed random sample of
SAMPLE held-out pairs (seed 0; default 200). OUT is a JSON record.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

FRACTIONS = (0.125, 0.25, 0.5, 1.0)


def curve(train: list, test: list, sample_size: int = 200, progress=print) -> dict:
    from ..llc import DEFAULT_LLC_ARGS
    from ..text.lift import DEFAULT_TRIPLE
    from ..text.lifter import Lifter
    from ..text.placeholders import normalize
    from ..text.retrieval import lift_by_retrieval
    from .text_eval import SIMILAR

    modules = sorted({p.module for p in train})
    random.Random(0).shuffle(modules)
    texts = [normalize(p.asm)[0] for p in test]
    sample = random.Random(0).sample(range(len(test)), min(sample_size, len(test)))
    rows = []
    for fraction in FRACTIONS:
        chosen = set(modules[:round(fraction * len(modules))])
        pairs = [p for p in train if p.module in chosen]
        lifter = Lifter.from_pairs(pairs)
        verified = 0
        for i in sample:
            checked = lift_by_retrieval(test[i].asm, lifter, 1, DEFAULT_LLC_ARGS, DEFAULT_TRIPLE)
            verified += bool(checked and checked[-1].round_trips)
        rows.append({"train_modules": len(chosen), "train_pairs": len(pairs), "normalized_texts": len(lifter.entries),
                     "heldout_pairs": len(test),
                     "near_duplicate": sum(t in lifter.by_text for t in texts) / len(test),
                     f"similar_{SIMILAR}": sum(lifter.similarity(t) >= SIMILAR for t in texts) / len(test),
                     "sample": len(sample), "round_trip_k1_on_sample": verified / max(1, len(sample))})
        progress(json.dumps(rows[-1]))
    return {"task": "disasm-learning-curve", "engine": "lifter (retrieval), fractions of the training modules",
            "k": 1, "rows": rows}


def main(argv: list[str]) -> int:
    from ..text.pairfile import read_pairs

    if len(argv) not in (3, 4):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    doc = curve(read_pairs(argv[0]), read_pairs(argv[1]), int(argv[3]) if len(argv) == 4 else 200)
    doc["train"], doc["test"] = Path(argv[0]).name, Path(argv[1]).name
    Path(argv[2]).write_text(json.dumps(doc, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
