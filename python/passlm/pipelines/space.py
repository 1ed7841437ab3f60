"""The search space: complete pipeline elements read from the LLVM in use.

Every pass LLVM registers (``passlm.pass_names()``) becomes one element that
parses at module level on its own: module passes as they are, CGSCC passes
as ``cgscc(p)``, function passes as ``function(p)``, loop passes as
``function(loop(p))`` (or ``function(loop-mssa(p))`` for the passes that need
MemorySSA). A pipeline is a comma-joined list of elements. ``default<Oz>`` is
one element too.

The filter keeps transformations that make sense for tuning object size and
drops, by name:

- instrumentation, sanitizers and profiling (asan, msan, tsan, dfsan, sancov,
  instrprof, pgo, gcov, memprof, kcfi, ...): they add code on purpose;
- printing, viewing, verifying and analysis utilities (print, dot-, view-,
  verify, lint, aa-eval, invalidate, require, debugify, ...): no effect;
- passes that change linkage, names or the module's interface (internalize,
  extract-blocks, function-import, strip*, metarenamer, name-anon-globals,
  canonicalize-aliases, globalsplit, ...): not a size optimization of the
  same program;
- passes for other targets, languages and runtimes (amdgpu, nvptx, bpf, wasm,
  dxil, hipstdpar, objc-arc, coro-, safepoints, GC statepoints, ...);
- LLVM's test passes (trigger-crash, trigger-verifier-error) and the other
  default pipelines (default<O1..O3>, LTO phases);
- passes whose result is not deterministic (``NONDETERMINISTIC``:
  ``gvn-sink`` in LLVM 19).

Bare ``instcombine`` is replaced by ``instcombine<no-verify-fixpoint>``: in
LLVM 19 the bare form aborts when it misses its fixpoint. What survives the
filter is then *admitted* by trying it on sample modules (``admit``): an
element that crashes LLVM or is rejected is dropped.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..defaults import OZ

DENY = re.compile(
    r"""^(
        .*(asan|msan|tsan|dfsan|sancov|sanitizer|instrprof|instr-|pgo|gcov|memprof|kcfi|profile|probe|
           cfi|safe-stack|stack-protect|instrument|coverage|ctx-).*
      | (print|dot-|view-|verify|lint|aa-eval|invalidate|require|debugify|check-debugify|count-visits|
         trigger-|no-op|module-summary|memoryssa|iv-users|regions|scev|domtree|postdomtree|loop-access|
         stack-safety|assign-guid).*
      | (internalize|extract-blocks|function-import|strip.*|metarenamer|name-anon-globals|
         canonicalize-aliases|globalsplit|embed-bitcode|cg-profile|elim-avail-extern|forceattrs|
         inferattrs|annotation.*|lower-ifunc|lower-global-dtors|expand-variadics|extract-.*|
         recompute-globalsaa|rel-lookup-table-converter|pre-isel-intrinsic-lowering|
         deadargelim-sanitized|add-discriminators|inject-tli-mappings|chr|verify-.*)
      | (amdgpu|nvptx|bpf|wasm|dxil|hipstdpar|x86|aarch64|arm|hexagon|riscv|ppc|loongarch|spirv|
         objc-arc|coro-|place-safepoints|rewrite-statepoints|safepoint|openmp|attributor-light-cgscc|
         jmc|entry-exit|ee-|callbr|win|msvc|dwarf).*
      | default|thinlto.*|lto.*|fullLTO|function-simplification|module-optimization|
        module-inline|inliner-wrapper.*|inliner-ml-advisor.*|scc-oz-module-inliner|
        loop-extract-single|unify-loop-exits|fix-irreducible|lower-matrix-intrinsics-minimal
    )$""",
    re.VERBOSE,
)

# Single passes the families above miss: codegen-time lowering (it runs in the
# backend anyway, some need the TargetMachine), guards/GC/EH/TLS/atomics
# lowering that changes what the program means or its ABI, other targets,
# analyses and renamers, LLVM's example pass, and LTO/CFI passes.
DENY_NAMES = {
    "bounds-checking", "codegenprepare", "atomic-expand", "gc-lowering", "helloworld", "instcount",
    "instnamer", "pa-eval", "declare-to-assign", "redundant-dbg-inst-elim", "sjlj-eh-prepare",
    "structurizecfg", "infer-address-spaces", "tlshoist", "transform-warning", "typepromotion",
    "interleaved-access", "interleaved-load-combine", "expand-large-div-rem", "expand-large-fp-convert",
    "expand-memcmp", "indirectbr-expand", "scalarize-masked-mem-intrin", "select-optimize", "hardware-loops",
    "lower-atomic", "lower-invoke", "lower-guard-intrinsic", "lower-widenable-condition",
    "make-guards-explicit", "guard-widening", "loop-predication", "lower-allow-check", "lower-emutls",
    "lowertypetests", "nsan", "poison-checking", "rewrite-symbols", "sanmd-module",
    "shadow-stack-gc-lowering", "synthetic-counts-propagation", "wholeprogramdevirt", "global-merge",
    "loop-idiom-vectorize", "loop-data-prefetch", "instrorderfile",
}

# Passes whose result changes from run to run on the same input in LLVM 19:
# GVNSink orders values by pointer and iterates a DenseSet
# (llvm/llvm-project#77852, fixed in part by #90995 and #205952). Measured
# here: function(gvn-sink) gave 950, 959 or 965 bytes for lzo1x_d1.c in one
# process, and varied on 4 of 25 held-out modules. A pipeline with one can
# neither be replayed nor trusted, so they are no elements.
NONDETERMINISTIC = {"gvn-sink"}

# Loop passes that need MemorySSA: in a plain loop(...) they abort LLVM.
NEEDS_MEMORYSSA = {"licm", "lnicm", "simple-loop-unswitch"}
# Parameterised names whose bare form aborts; their safe spelling.
SPELLING = {"instcombine": "instcombine<no-verify-fixpoint>"}


def element_for(level: str, name: str) -> str:
    """The element that runs pass ``name`` of ``level`` at module level."""
    name = SPELLING.get(name, name)
    if level == "module":
        return name
    if level == "cgscc":
        return f"cgscc({name})"
    if level == "function":
        return f"function({name})"
    if level == "loop":
        adaptor = "loop-mssa" if name in NEEDS_MEMORYSSA else "loop"
        return f"function({adaptor}({name}))"
    raise ValueError(f"unknown pass level '{level}'")


def candidate_elements(pass_names: dict[str, Sequence[str]] | None = None, include_oz: bool = True) -> list[str]:
    """The elements that pass the name filter, for the LLVM in use, sorted."""
    if pass_names is None:
        from .. import pass_names as read_pass_names

        pass_names = read_pass_names()
    elements = {element_for(level, name) for level, names in pass_names.items() for name in names
                if not DENY.match(name) and name not in DENY_NAMES and name not in NONDETERMINISTIC}
    if include_oz:
        elements.add(OZ)
    return sorted(elements)


def pass_names_in(pipeline: str) -> set[str]:
    """Every name in a pipeline string, at any nesting (passes, adaptors and parameters alike)."""
    return set(re.findall(r"[A-Za-z][\w-]*", pipeline))


def runs_any(pipeline: str, passes: Iterable[str]) -> bool:
    """True when the pipeline names one of ``passes`` at any nesting (``passlm tune``'s and
    ``passlm coreset``'s ``--leave-out``)."""
    return not pass_names_in(pipeline).isdisjoint(passes)


def is_deterministic(pipeline: str) -> bool:
    """False when the pipeline runs a pass of NONDETERMINISTIC (at any nesting)."""
    return not runs_any(pipeline, NONDETERMINISTIC)


def split_elements(pipeline: str) -> list[str]:
    """Top-level elements of a pipeline string: commas outside () and <>."""
    elements, depth, start = [], 0, 0
    for i, ch in enumerate(pipeline):
        if ch in "(<":
            depth += 1
        elif ch in ")>":
            depth -= 1
        elif ch == "," and depth == 0:
            elements.append(pipeline[start:i].strip())
            start = i + 1
    tail = pipeline[start:].strip()
    if tail:
        elements.append(tail)
    return [e for e in elements if e]


def join_elements(elements: Iterable[str]) -> str:
    return ",".join(elements)
