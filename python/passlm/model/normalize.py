"""IR normalization: the text the model reads, with what does not matter removed.

``normalize_ir(text)`` maps the textual IR of a module (the form at the start
of clang's -Oz pipeline, docs/conventions.md) to a shorter canonical text. It removes
what cannot change which pipeline is best and what costs context tokens:

- comments, ``source_filename``, ``target datalayout``/``triple`` (one
  target here), module flags and every metadata line (``!N = ...``);
- metadata attachments on instructions and globals (``, !tbaa !5``,
  ``!dbg``), debug records and ``llvm.dbg.*`` calls;
- attribute groups (``attributes #N = {...}``) and references to them
  (``#N``): every function of a -Oz module carries ``minsize optsize``;
- the contents of string constants (``c"..."`` becomes ``c"."``: the
  array type keeps the length) and the numbers of ``@.str.N`` names;
- parameter attributes that say little about size (``noundef``,
  ``dso_local``, ``local_unnamed_addr``);
- local names: every ``%name`` is renamed, per function, by order of first
  appearance (``%0``, ``%1``, ...), labels included, so two modules that
  differ only in names normalize to the same text;
- runs of spaces, and blank lines.

Function and global names stay: they tell the model about library calls
(``@memcpy``, ``@printf``) and recursion. The result is deterministic and
idempotent (``normalize_ir(normalize_ir(t)) == normalize_ir(t)``).

``NORMALIZATION_VERSION`` is saved with every model: a model is only fed
text normalized the way it was trained on.
"""
from __future__ import annotations

import re

NORMALIZATION_VERSION = 1

_DROP_LINE = re.compile(
    r"""^\s*(?:;.*|source_filename\s.*|target\s+(?:datalayout|triple)\s.*|attributes\s+\#\d+\s.*|!.*
           |\#dbg_\w+\(.*|(?:tail\s+|notail\s+)?call\s+void\s+@llvm\.dbg\..*|)$""",
    re.VERBOSE)
_METADATA_ATTACHMENT = re.compile(r",?\s*!(?:[A-Za-z_.][\w.]*)\s+!(?:\d+|\{[^}]*\})")
_TRAILING_COMMENT = re.compile(r"\s+;.*$")
_ATTRIBUTE_REF = re.compile(r"\s#\d+\b")
_STRING_CONSTANT = re.compile(r'c"(?:[^"\\]|\\.)*"')
_STR_NAME = re.compile(r"@\.str(?:\.\d+)?\b")
_NOISE_WORDS = re.compile(r"\b(?:noundef|dso_local|local_unnamed_addr)\s+")
_LOCAL = re.compile(r'%(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|\d+|"(?:[^"\\]|\\.)*")')
_LABEL_DEF = re.compile(r'^([-a-zA-Z$._0-9]+|"(?:[^"\\]|\\.)*"):')
_SPACES = re.compile(r"[ \t]+")
_TYPE_DEF = re.compile(r'^(%(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|\d+|"(?:[^"\\]|\\.)*"))\s*=\s*type\b', re.MULTILINE)


def _strip_line(line: str) -> str:
    if '"' not in line:  # a ';' inside a string constant is not a comment
        line = _TRAILING_COMMENT.sub("", line)
    line = _STRING_CONSTANT.sub('c"."', line)
    line = _METADATA_ATTACHMENT.sub("", line)
    line = _ATTRIBUTE_REF.sub("", line)
    line = _STR_NAME.sub("@.str", line)
    line = _NOISE_WORDS.sub("", line)
    return _SPACES.sub(" ", line).rstrip()


class _LocalNames:
    """Renames locals of one function by order of first appearance
    (named types, which share the ``%`` sigil, are left alone)."""

    def __init__(self, types: frozenset) -> None:
        self.names: dict[str, str] = {}
        self.types = types

    def __call__(self, name: str) -> str:
        if name not in self.names:
            self.names[name] = str(len(self.names))
        return self.names[name]

    def line(self, line: str) -> str:
        label = _LABEL_DEF.match(line)
        if label and not line.startswith(" "):
            return self(label.group(1)) + ":" + self.rename(line[label.end():])
        return self.rename(line)

    def rename(self, text: str) -> str:
        return _LOCAL.sub(lambda m: m.group(0) if m.group(0) in self.types else "%" + self(m.group(0)[1:]), text)


def normalize_ir(text: str) -> str:
    """The canonical text of a module's IR (see the module docstring)."""
    out: list[str] = []
    types = frozenset(m.group(1) for m in _TYPE_DEF.finditer(text))
    names = None  # set inside a function body
    for raw in text.splitlines():
        if _DROP_LINE.match(raw):
            continue
        line = _strip_line(raw)
        if not line:
            continue
        if line.startswith("define "):
            names = _LocalNames(types)
            head, paren, rest = line.partition("(")
            out.append(head + paren + names.rename(rest))
            continue
        if names is not None:
            if line == "}":
                names = None
                out.append(line)
                continue
            out.append(names.line(line))
            continue
        out.append(line)
    return "\n".join(out) + "\n"
