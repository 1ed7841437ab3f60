"""The tokenizer: byte-level BPE over normalized IR, plus one token per pass.

The IR side is a byte-level BPE (HF ``tokenizers``) trained on normalized IR
(``normalize.normalize_ir``), so any text encodes. The answer side is a
closed vocabulary: one added token per pipeline element of the LLVM in use
(``pipelines.space.candidate_elements``, e.g. ``<|function(sroa)|>``), so a
pipeline is a short sequence of element tokens and decoding can be
constrained to those tokens (every answer then parses). Special tokens:

``<s>``  ``</s>``  ``<pad>``
    begin, end (also ends an answer), padding;
``<answer>``
    between the IR and the pipeline;
``<cut>``
    marks where ``encode.encode_module`` cut a function or the globals to
    fit the context.
"""
from __future__ import annotations

from typing import Iterable, Sequence

BOS, EOS, PAD, ANSWER, CUT = "<s>", "</s>", "<pad>", "<answer>", "<cut>"


def pass_token(element: str) -> str:
    return f"<|{element}|>"


def element_of(token: str) -> str:
    return token[2:-2]


def is_pass_token(token: str) -> bool:
    return token.startswith("<|") and token.endswith("|>")


def train_tokenizer(texts: Iterable[str], elements: Sequence[str], vocab_size: int = 4096,
                    markers: Sequence[str] = (ANSWER, CUT)):
    """A ``PreTrainedTokenizerFast`` trained on ``texts`` (normalized IR; or any
    text), with ``<s>``, ``</s>``, ``<pad>``, the ``markers`` and one token per
    pipeline element of ``elements``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[BOS, EOS, PAD, *markers],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(texts, trainer=trainer)
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token=BOS, eos_token=EOS, pad_token=PAD,
                                      additional_special_tokens=list(markers))
    if elements:
        wrapped.add_tokens([pass_token(e) for e in elements], special_tokens=True)
    return wrapped


def load_tokenizer(directory: str):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast.from_pretrained(directory, local_files_only=True)


def pass_token_ids(tokenizer) -> dict[int, str]:
    """token id -> pipeline element, for every pass token of the tokenizer."""
    return {i: element_of(t) for t, i in tokenizer.get_vocab().items() if is_pass_token(t)}
