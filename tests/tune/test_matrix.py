"""tune.matrix: every given pipeline on every module, only what the store lacks."""
from __future__ import annotations

import passlm
from passlm.defaults import OZ
from passlm.store import Evaluation, Provenance, Store
from passlm.tune.matrix import fill, missing_pairs
from passlm.pipelines.workers import WorkerPool


def test_fill_evaluates_what_is_missing_once(tmp_path, example_bcs):
    with Store(tmp_path / "m.db") as store:
        modules = []
        for name in ("sort", "crc32"):
            module = passlm.Module.from_file(str(example_bcs[name]))
            store.add_module(module.hash, module.to_bitcode(), Provenance(f"{name}.c", "files", passlm.LLVM_VERSION))
            modules.append(module.hash)
        store.record_evaluation(Evaluation(modules[0], OZ, "ok", 1, 12345, strategy="planted"))
        pipelines = [OZ, "function(sroa)"]
        assert missing_pairs(store, modules, pipelines) == [(modules[1], OZ), (modules[0], "function(sroa)"),
                                                            (modules[1], "function(sroa)")]
        seen = []
        with WorkerPool(jobs=2, timeout=60) as pool:
            assert fill(store, modules, pipelines, pool, lambda done, total: seen.append((done, total))) == 3
            assert seen[-1] == (3, 3)
            assert fill(store, modules, pipelines, pool) == 0
        assert store.evaluation(modules[0], OZ).object_size == 12345  # kept, not measured again
        sroa = store.evaluation(modules[1], "function(sroa)")
        assert sroa.ok and sroa.strategy == "matrix"
        assert sroa.object_size == passlm.Module.from_file(str(example_bcs["crc32"])).evaluate("function(sroa)")[1]
