"""The text tasks: a model reads and writes code as text, as LLM Compiler does.

- Disassembly, assembly to LLVM-IR: :mod:`.pairs` makes (assembly, IR)
  training pairs from a corpus, written as a pair file (:mod:`.pairfile`);
  :mod:`.lift` lifts assembly with candidates from an engine (:mod:`.propose`
  for LLM Compiler's prompt) and keeps one only when it round-trips. The
  default engine is the retrieval lifter (:mod:`.lifter`, learned from the
  training pairs), over assembly with numbered placeholders
  (:mod:`.placeholders`), its candidates checked and repaired by
  :mod:`.retrieval`.
- Emulation, what ``opt -p PIPELINE`` makes of a module: :mod:`.emulate`.

The commands (``passlm disasm``, ``passlm emulate``, ``passlm data pairs``,
``passlm data lifter``)
are registered by :mod:`.cli`.
"""
