"""Features of a module read from its textual IR (``Module.to_text()``):
instruction counts per opcode and an Autophase-like vector.

Autophase (Haj-Ali et al., MLSys 2020; CompilerGym's ``Autophase``
observation) describes a module with 56 counts. ``AUTOPHASE`` keeps its
order and its ideas, each defined below in the terms it is computed in here,
so a figure can be checked by reading the IR. Counting conventions:

- a *block* starts at a function's first line and at every label; its
  *successors* are the ``label %x`` operands of its terminator, one per
  operand (a switch with two cases to one block gives two edges, as
  LLVM's ``successors()``); its *predecessors* are the edges into it;
- an *integer constant* is an operand written ``iN V`` (V a decimal
  number, ``true`` or ``false``; constant expressions and switch cases
  included), an incoming value ``V`` of an integer ``phi``, or an operand
  ``V`` of a binary operator or ``icmp``, whose type is written once.

Pure Python and standard library only: it runs in the step worker.
"""
from __future__ import annotations

import re
from collections import Counter

#: LLVM 19's instruction opcodes (llvm/IR/Instruction.def), in its order.
OPCODES = (
    "ret", "br", "switch", "indirectbr", "invoke", "resume", "unreachable", "cleanupret", "catchret",
    "catchswitch", "callbr", "fneg", "add", "fadd", "sub", "fsub", "mul", "fmul", "udiv", "sdiv", "fdiv",
    "urem", "srem", "frem", "shl", "lshr", "ashr", "and", "or", "xor", "alloca", "load", "store",
    "getelementptr", "fence", "cmpxchg", "atomicrmw", "trunc", "zext", "sext", "fptoui", "fptosi", "uitofp",
    "sitofp", "fptrunc", "fpext", "ptrtoint", "inttoptr", "bitcast", "addrspacecast", "cleanuppad",
    "catchpad", "icmp", "fcmp", "phi", "call", "select", "va_arg", "extractelement", "insertelement",
    "shufflevector", "extractvalue", "insertvalue", "landingpad", "freeze",
)

#: (name, definition) of the 56 Autophase-like features, in Autophase's order.
AUTOPHASE = (
    ("blocks_phi_args_over_5", "blocks whose phis have more than 5 incoming values in all"),
    ("blocks_phi_args_1_to_5", "blocks whose phis have 1 to 5 incoming values in all"),
    ("blocks_one_pred", "blocks with exactly one predecessor edge"),
    ("blocks_one_pred_one_succ", "blocks with one predecessor edge and one successor edge"),
    ("blocks_one_pred_two_succ", "blocks with one predecessor edge and two successor edges"),
    ("blocks_one_succ", "blocks with exactly one successor edge"),
    ("blocks_two_pred", "blocks with exactly two predecessor edges"),
    ("blocks_two_pred_one_succ", "blocks with two predecessor edges and one successor edge"),
    ("blocks_two_pred_two_succ", "blocks with two predecessor edges and two successor edges"),
    ("blocks_two_succ", "blocks with exactly two successor edges"),
    ("blocks_over_two_pred", "blocks with more than two predecessor edges"),
    ("blocks_1_to_3_phis", "blocks with 1 to 3 phi instructions"),
    ("blocks_over_3_phis", "blocks with more than 3 phi instructions"),
    ("blocks_no_phi", "blocks without a phi instruction"),
    ("phis_at_block_start", "phi instructions (LLVM puts every one at the start of its block)"),
    ("branches", "br instructions"),
    ("calls_returning_int", "call instructions whose result is an integer (iN)"),
    ("critical_edges", "edges from a block with several successor edges to one with several predecessor edges"),
    ("edges", "control-flow edges (successor operands of all terminators)"),
    ("const_i32", "integer constants of type i32"),
    ("const_i64", "integer constants of type i64"),
    ("const_zero", "integer constants equal to 0 (false included)"),
    ("const_one", "integer constants equal to 1 (true included)"),
    ("unconditional_branches", "br instructions with a single label"),
    ("binary_ops_with_const", "integer binary operators (add ... xor) with an integer constant operand"),
    ("ashr", "ashr instructions"),
    ("add", "add instructions"),
    ("alloca", "alloca instructions"),
    ("and", "and instructions"),
    ("blocks_15_to_500_insts", "blocks of 15 to 500 instructions"),
    ("blocks_under_15_insts", "blocks of fewer than 15 instructions"),
    ("bitcast", "bitcast instructions"),
    ("br", "br instructions (as branches: Autophase counts them twice too)"),
    ("call", "call instructions"),
    ("getelementptr", "getelementptr instructions"),
    ("icmp", "icmp instructions"),
    ("lshr", "lshr instructions"),
    ("load", "load instructions"),
    ("mul", "mul instructions"),
    ("or", "or instructions"),
    ("phi", "phi instructions"),
    ("ret", "ret instructions"),
    ("sext", "sext instructions"),
    ("select", "select instructions"),
    ("shl", "shl instructions"),
    ("store", "store instructions"),
    ("sub", "sub instructions"),
    ("trunc", "trunc instructions"),
    ("xor", "xor instructions"),
    ("zext", "zext instructions"),
    ("blocks", "basic blocks"),
    ("instructions", "instructions (as Module.instruction_count)"),
    ("memory_instructions", "load, store, atomicrmw, cmpxchg, fence, and calls of llvm.memcpy/memmove/memset"),
    ("functions", "defined functions"),
    ("phi_incoming_values", "incoming values of all phis"),
    ("unary_instructions", "LLVM's unary instructions: alloca, load, va_arg, extractvalue, freeze, fneg, casts"),
)
AUTOPHASE_NAMES = tuple(name for name, _ in AUTOPHASE)

_INSTRUCTION = re.compile(r'^  (?:%(?:"(?:[^"\\]|\\.)*"|\S+) = )?(?:tail |musttail |notail )?([a-z_]+)')
_LABEL = re.compile(r'^("(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+):')
_TARGET = re.compile(r'label %("(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+)')
_TYPED_INT = re.compile(r"\bi(\d+) (-?\d+|true|false)\b")
_INT_CALL = re.compile(r"^  %\S+ = (?:tail |musttail |notail )?call [^@%]*?\bi\d+ [@%]")
_BINARY_HEAD = re.compile(r"^  %\S+ = (?:add|sub|mul|udiv|sdiv|urem|srem|shl|lshr|ashr|and|or|xor|icmp)"
                          r"(?: (?:nuw|nsw|exact|disjoint|samesign|eq|ne|ugt|uge|ult|ule|sgt|sge|slt|sle))*"
                          r" i(\d+) (.*)$")
_PHI_INT = re.compile(r"^  %\S+ = phi i(\d+) (.*)$")
_PHI_VALUE = re.compile(r"\[ ([^,]+), ")
_LITERAL = re.compile(r"^(?:-?\d+|true|false)$")
_BINARY = {"add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr", "ashr", "and", "or", "xor"}
_CASTS = {"trunc", "zext", "sext", "fptoui", "fptosi", "uitofp", "sitofp", "fptrunc", "fpext", "ptrtoint",
          "inttoptr", "bitcast", "addrspacecast"}
_UNARY = _CASTS | {"alloca", "load", "va_arg", "extractvalue", "freeze", "fneg"}
_MEMORY = {"load", "store", "atomicrmw", "cmpxchg", "fence"}


class _Block:
    __slots__ = ("opcodes", "phi_args", "targets", "preds")

    def __init__(self) -> None:
        self.opcodes: list[str] = []
        self.phi_args = 0
        self.targets: list[str] = []
        self.preds = 0


_BOOLEANS = {"true": 1, "false": 0}


def _literal_value(token: str) -> int:
    return _BOOLEANS[token] if token in _BOOLEANS else int(token)


class _Reader:
    """One pass over the text, function by function."""

    def __init__(self) -> None:
        self.opcodes: Counter = Counter()
        self.blocks: list[_Block] = []
        self.constants: list[tuple[int, int]] = []  # (bits, value)
        self.functions = self.int_calls = self.binary_with_const = self.memory_calls = 0
        self.unconditional = self.critical_edges = 0

    def read(self, text: str) -> "_Reader":
        function: dict[str, _Block] | None = None
        block: _Block | None = None
        for line in text.splitlines():
            if function is None:
                if line.startswith("define "):
                    self.functions += 1
                    function, block = {}, None
                continue
            if line.startswith("}"):
                self._link(function)
                function = block = None
                continue
            label = _LABEL.match(line)
            if label:
                block = function[label.group(1)] = _Block()
                self.blocks.append(block)
                continue
            if line.startswith("    "):  # a switch's case line, or a debug record
                if line.lstrip().startswith("#"):
                    continue
                block.targets += _TARGET.findall(line)
                self._typed_constants(line)
                continue
            match = _INSTRUCTION.match(line)
            if match is None:  # "  ]", debug records, blank lines
                continue
            if block is None:  # an unnamed entry block (clang drops value names)
                block = function[""] = _Block()
                self.blocks.append(block)
            self._instruction(block, match.group(1), line)
        return self

    def _instruction(self, block: _Block, opcode: str, line: str) -> None:
        block.opcodes.append(opcode)
        self.opcodes[opcode] += 1
        if opcode == "phi":
            block.phi_args += line.count("[ ")
            phi = _PHI_INT.match(line)
            if phi:
                self.constants += [(int(phi.group(1)), _literal_value(v)) for v in _PHI_VALUE.findall(phi.group(2))
                                   if _LITERAL.match(v)]
            return
        block.targets += _TARGET.findall(line)
        if opcode == "br":
            self.unconditional += line.startswith("  br label ")
        elif opcode == "call":
            self.int_calls += bool(_INT_CALL.match(line))
            self.memory_calls += bool(re.search(r"@llvm\.mem(?:cpy|move|set)", line))
        binary = _BINARY_HEAD.match(line) if opcode in _BINARY or opcode == "icmp" else None
        if binary:
            bits = int(binary.group(1))
            operands = [o.strip() for o in binary.group(2).split(",")[:2]]
            literals = [o for o in operands if _LITERAL.match(o)]
            self.constants += [(bits, _literal_value(o)) for o in literals]
            self.binary_with_const += bool(literals) and opcode in _BINARY
        else:
            self._typed_constants(line)

    def _typed_constants(self, line: str) -> None:
        self.constants += [(int(bits), _literal_value(v)) for bits, v in _TYPED_INT.findall(line)]

    def _link(self, function: dict[str, _Block]) -> None:
        for block in function.values():
            for target in block.targets:
                if target in function:
                    function[target].preds += 1
        for block in function.values():
            if len(block.targets) > 1:
                self.critical_edges += sum(1 for t in block.targets if t in function and function[t].preds > 1)


_OPCODE_ANYWHERE = re.compile(_INSTRUCTION.pattern, re.MULTILINE)


def opcode_counts(text: str) -> list[int]:
    """Instructions per opcode, in ``OPCODES`` order. Only instructions start
    with two spaces and a letter or a value (switch cases and debug records
    are indented further, everything else starts in the first column)."""
    counts = Counter(_OPCODE_ANYWHERE.findall(text))
    return [counts[op] for op in OPCODES]


def autophase(text: str) -> list[int]:
    """The 56 features of ``AUTOPHASE``, in its order."""
    r = _Reader().read(text)
    ops, blocks = r.opcodes, r.blocks

    def count(predicate) -> int:
        return sum(1 for b in blocks if predicate(len(b.targets), b.preds, b.opcodes.count("phi")))

    instructions = [b.opcodes for b in blocks]
    values = r.constants
    features = {
        "blocks_phi_args_over_5": sum(1 for b in blocks if b.phi_args > 5),
        "blocks_phi_args_1_to_5": sum(1 for b in blocks if 1 <= b.phi_args <= 5),
        "blocks_one_pred": count(lambda s, p, f: p == 1),
        "blocks_one_pred_one_succ": count(lambda s, p, f: p == 1 and s == 1),
        "blocks_one_pred_two_succ": count(lambda s, p, f: p == 1 and s == 2),
        "blocks_one_succ": count(lambda s, p, f: s == 1),
        "blocks_two_pred": count(lambda s, p, f: p == 2),
        "blocks_two_pred_one_succ": count(lambda s, p, f: p == 2 and s == 1),
        "blocks_two_pred_two_succ": count(lambda s, p, f: p == 2 and s == 2),
        "blocks_two_succ": count(lambda s, p, f: s == 2),
        "blocks_over_two_pred": count(lambda s, p, f: p > 2),
        "blocks_1_to_3_phis": count(lambda s, p, f: 1 <= f <= 3),
        "blocks_over_3_phis": count(lambda s, p, f: f > 3),
        "blocks_no_phi": count(lambda s, p, f: f == 0),
        "phis_at_block_start": ops["phi"],
        "branches": ops["br"],
        "calls_returning_int": r.int_calls,
        "critical_edges": r.critical_edges,
        "edges": sum(len(b.targets) for b in blocks),
        "const_i32": sum(1 for bits, _ in values if bits == 32),
        "const_i64": sum(1 for bits, _ in values if bits == 64),
        "const_zero": sum(1 for _, v in values if v == 0),
        "const_one": sum(1 for _, v in values if v == 1),
        "unconditional_branches": r.unconditional,
        "binary_ops_with_const": r.binary_with_const,
        "blocks_15_to_500_insts": sum(1 for i in instructions if 15 <= len(i) <= 500),
        "blocks_under_15_insts": sum(1 for i in instructions if len(i) < 15),
        "blocks": len(blocks),
        "instructions": sum(ops.values()),
        "memory_instructions": sum(ops[o] for o in _MEMORY) + r.memory_calls,
        "functions": r.functions,
        "phi_incoming_values": sum(b.phi_args for b in blocks),
        "unary_instructions": sum(ops[o] for o in _UNARY),
    }
    return [features[name] if name in features else ops[name] for name in AUTOPHASE_NAMES]
