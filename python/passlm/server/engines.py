"""The engines a server holds, and what identifies their answers in the cache."""
from __future__ import annotations

import hashlib
import sys
import threading
from typing import Optional


#: Engine kinds whose spec runs code it names (``python:FILE:FUNC``). A request
#: may name one only if the server was started with it (``--engine`` or
#: ``--allow-engine``): a same-user client must not make the server run a
#: file of its choosing. ``model:`` and ``llm-compiler:`` load safetensors
#: only, with remote code off; they run no code of the model's folder.
CODE_KINDS = ("python",)


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
    """One engine spec: its cache identity and the engine itself, each made on first use.

    A prediction is cached under (identity, the module hash the request
    carries, k); the identity names everything else the answer depends on:
    the model's files (the spec for engines without files), the passlm and
    LLVM versions, the IR normalization a ``model:`` engine applies, and the
    key scheme (so entries keyed otherwise by an older passlm never match).

    Hashing a model's files (a large folder: seconds) and loading the engine
    happen under this slot's own locks, never the server's: a slow spec stalls
    only its own requests.

    ``threads``: torch's intra-op threads once the engine has loaded torch (0
    leaves torch's default, one per core). A server serves a parallel build,
    whose compilers and guard trials already keep every core busy; more
    threads there only contend with them (``bench/bench_engine.py --busy``).
    """

    def __init__(self, spec: str, threads: int = 1):
        self.spec = spec
        self.threads = threads
        self.kind = spec.partition(":")[0]
        self._identity: Optional[str] = None
        self._identity_lock = threading.Lock()
        self._engine = None
        self._lock = threading.Lock()
        self.load_seconds: Optional[float] = None

    def identity(self) -> str:
        """The cache identity, computed on first call (the model's files hashed)."""
        with self._identity_lock:
            if self._identity is None:
                import passlm
                from ..engine.identity import model_hash
                from ..model.normalize import NORMALIZATION_VERSION

                normalization = NORMALIZATION_VERSION if self.kind == "model" else 0  # the model sees normalize_ir(ir)
                files = model_hash(self.spec)
                self._identity = text_hash(
                    f"{self.spec if files is None else files}\npasslm {passlm.__version__} llvm {passlm.LLVM_VERSION}"
                    f" normalization {normalization} key module-hash")
            return self._identity

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
                torch = sys.modules.get("torch")  # never imported here: only if the engine did
                if torch is not None and self.threads > 0:
                    torch.set_num_threads(self.threads)
                self.load_seconds = time.perf_counter() - start
            return self._engine

    def predict_batch(self, irs: list[str], k: int) -> list[list[dict]]:
        """Candidates for several modules: one batched call when the engine has one."""
        from ..engine import plugin_candidates

        engine = self.engine()
        batch = getattr(engine, "predict_batch", None)
        answers = batch(irs, k) if batch else [engine.predict(ir, k) for ir in irs]
        return [plugin_candidates(candidates, k) for candidates in answers]
