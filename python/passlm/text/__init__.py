"""The text tasks: a model reads and writes code as text, as LLM Compiler does.

- Disassembly, assembly to LLVM-IR: :mod:`.pairs` makes (assembly, IR)
  training pairs from a corpus, written as a pair file (:mod:`.pairfile`);
  :mod:`.lift` lifts assembly with candidates from an engine (:mod:`.propose`
  for LLM Compiler's prompt) and keeps one only when it round-trips.
- Emulation, what ``opt -p PIPELINE`` makes of a module: :mod:`.emulate`.

The commands (``passlm disasm``, ``passlm emulate``, ``passlm data pairs``)
are registered by :mod:`.cli`.
"""
