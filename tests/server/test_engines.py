"""passlm.server.engines: what a server's engine slot answers."""
from __future__ import annotations

from passlm.engine import Candidate
from passlm.server.engines import EngineSlot


class TooManyCandidates:
    """An engine of another package that ignores k, with no batched call."""

    def predict(self, ir_text, k, facts=None):
        return [Candidate(p, 1.0) for p in ("default<Oz>", "gvn", "sroa", "dse")]


def test_a_slot_answers_up_to_k_trials_whatever_the_engine_returns():
    slot = EngineSlot("many:x")
    slot._engine = TooManyCandidates()  # as if built: the kind is no registered one
    assert slot.predict_batch(["ir 1", "ir 2"], 1) == [[{"pipeline": "default<Oz>", "score": 1.0},
                                                        {"pipeline": "gvn", "score": 1.0}]] * 2
