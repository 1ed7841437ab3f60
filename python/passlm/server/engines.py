"""The engines a server holds, and what identifies their answers in the cache."""
from __future__ import annotations

import hashlib
import threading
from typing import Optional


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def verdict_key(module_hash: str, candidates: list[str], choice: str) -> Optional[str]:
    """Key of a verdict: the exact IR, the candidates in order, how the plugin
    chose among them (``guard``, ``first-measured``, ``first``), and the
    passlm and LLVM that tried them."""
    if not module_hash or not candidates or not choice:
        return None
    import passlm

    return text_hash("\n".join([f"passlm {passlm.__version__} llvm {passlm.LLVM_VERSION} choice {choice}",
                                module_hash, *candidates]))


class EngineSlot:
    """One engine spec: its cache identity at once, the engine itself on first use."""

    def __init__(self, spec: str):
        import passlm
        from ..engine.identity import model_hash
        from ..model.normalize import NORMALIZATION_VERSION

        self.spec = spec
        self.kind = spec.partition(":")[0]
        self.reads_normalized = self.kind == "model"  # the model sees normalize_ir(ir) only
        files = model_hash(spec)
        self.identity = text_hash(
            f"{spec if files is None else files}\npasslm {passlm.__version__} llvm {passlm.LLVM_VERSION}"
            f" normalization {NORMALIZATION_VERSION if self.reads_normalized else 0}")
        self._engine = None
        self._lock = threading.Lock()
        self.load_seconds: Optional[float] = None

    def key_text(self, ir: str) -> str:
        if self.reads_normalized:
            from ..model.normalize import normalize_ir

            return normalize_ir(ir)
        return ir

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def engine(self):
        """The engine, built on first call (errors propagate, and the next call retries)."""
        with self._lock:
            if self._engine is None:
                import time

                from ..engine import make_engine

                start = time.perf_counter()
                self._engine = make_engine(self.spec)
                self.load_seconds = time.perf_counter() - start
            return self._engine

    def predict_batch(self, irs: list[str], k: int) -> list[list[dict]]:
        """Candidates for several modules: one batched call when the engine has one."""
        engine = self.engine()
        batch = getattr(engine, "predict_batch", None)
        answers = batch(irs, k) if batch else [engine.predict(ir, k) for ir in irs]
        return [[{"pipeline": c.pipeline, "score": c.score} for c in candidates] for candidates in answers]
