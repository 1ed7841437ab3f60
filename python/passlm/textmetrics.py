"""Text metrics of the text tasks (disassembly, compiler emulation), as LLM
Compiler defines them (the round trip is in ``passlm.llc``).

``exact_match(predicted_ir, reference_ir)``
    character-identical after removing the trailing whitespace of every line
    and the blank lines at the end of the text.
``corpus_bleu(candidates, references)``
    corpus BLEU-4 (Papineni et al., 2002) with one reference per candidate:
    clipped n-gram precisions p1..p4 pooled over the corpus, their geometric
    mean with uniform weights, times the brevity penalty
    BP = 1 if c > r else exp(1 - r / c) (c, r: total candidate and
    reference lengths in tokens). No smoothing: a corpus with no matching
    4-gram scores 0. Tokens (``tokenize``) are maximal runs of word
    characters (letters, digits, ``_``) and every other non-space character
    on its own: ``%1 = add i32 %0, 1`` is
    ``% 1 = add i32 % 0 , 1``.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Sequence

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _strip_trailing(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n")


def exact_match(predicted: str, reference: str) -> bool:
    """Character-identical after stripping each line's trailing whitespace and trailing blank lines."""
    return _strip_trailing(predicted) == _strip_trailing(reference)


def exact_match_rate(pairs: Iterable[tuple[str, str]]) -> float:
    results = [exact_match(p, r) for p, r in pairs]
    return sum(results) / len(results) if results else 0.0


def tokenize(text: str) -> list[str]:
    """Runs of word characters, and each other non-space character alone."""
    return _TOKEN.findall(text)


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(candidates: Sequence[str], references: Sequence[str], max_n: int = 4) -> float:
    """Corpus BLEU-max_n in [0, 1], one reference per candidate (see the module doc)."""
    if len(candidates) != len(references):
        raise ValueError("need one reference per candidate")
    matches, totals = [0] * max_n, [0] * max_n
    c_len = r_len = 0
    for candidate, reference in zip(candidates, references):
        c_tokens, r_tokens = tokenize(candidate), tokenize(reference)
        c_len, r_len = c_len + len(c_tokens), r_len + len(r_tokens)
        for n in range(1, max_n + 1):
            c_grams, r_grams = _ngrams(c_tokens, n), _ngrams(r_tokens, n)
            matches[n - 1] += sum(min(count, r_grams[gram]) for gram, count in c_grams.items())
            totals[n - 1] += sum(c_grams.values())
    if c_len == 0 or any(m == 0 for m in matches):
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n
    brevity = 1.0 if c_len > r_len else math.exp(1 - r_len / c_len)
    return brevity * math.exp(log_precision)
