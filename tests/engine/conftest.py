"""Helpers for the tests of the LLM Compiler engines and of what uses them
(emulation of opt, disassembly proposals): a tiny random Llama checkpoint, a
fake ``generate`` that answers known texts, a tokenizer spy, and a local
OpenAI-compatible completions server. Nothing is downloaded.

Test modules elsewhere import them as ``from engine.conftest import ...``
(``tests`` is on the path); nothing here is a fixture, so importing it twice
(pytest imports it as a conftest too) is harmless.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Sequence

#: max_position_embeddings of the tiny model.
TINY_CONTEXT = 320


def build_tiny_llama(directory: Path, corpus: Sequence[str], context: int = TINY_CONTEXT) -> Path:
    """A random 2-layer Llama and a byte-level BPE tokenizer trained on ``corpus``,
    saved as safetensors in ``directory`` (an ``llm-compiler:DIR`` checkpoint)."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    bpe.train_from_iterator(list(corpus) * 4, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<s>", eos_token="</s>",
                                        pad_token="<pad>", unk_token="<unk>")
    tokenizer.save_pretrained(directory)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=context,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(1234)
    LlamaForCausalLM(config).save_pretrained(directory, safe_serialization=True)
    assert list(directory.glob("*.safetensors")) and not list(directory.glob("*.bin"))
    return directory


def generate_answering(tokenizer, answers: Sequence[str], calls: list):
    """A stand-in for ``model.generate`` whose beam i (of ``num_return_sequences``)
    answers ``answers[i % len(answers)]``; each call's keyword arguments and
    prompt text are appended to ``calls``."""
    import torch

    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
    encoded = [tokenizer(a, add_special_tokens=False)["input_ids"] + [eos] for a in answers]

    def generate(input_ids, attention_mask=None, **kwargs):
        calls.append(dict(kwargs, prompt=tokenizer.decode(input_ids[0], skip_special_tokens=True)))
        rows = [encoded[i % len(encoded)] for i in range(kwargs.get("num_return_sequences", 1))]
        width = max(map(len, rows))
        padded = torch.tensor([row + [pad] * (width - len(row)) for row in rows])
        return torch.cat([input_ids.repeat(len(rows), 1), padded], dim=1)

    return generate


class TokenizerSpy:
    """Records the texts the engine tokenizes; otherwise the real tokenizer."""

    def __init__(self, tokenizer):
        self.tokenizer, self.texts = tokenizer, []

    def __call__(self, text, *args, **kwargs):
        self.texts.append(text)
        return self.tokenizer(text, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)


class CompletionServer:
    """A completions endpoint answering ``reply`` (status, body bytes); records requests."""

    def __init__(self):
        self.requests = []
        self.reply = (200, b"{}")
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                server.requests.append({"path": self.path, "headers": dict(self.headers),
                                        "body": json.loads(self.rfile.read(length))})
                status, body = server.reply
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def answer(self, *texts):
        choices = [{"index": i, "text": t, "finish_reason": "stop"} for i, t in enumerate(texts)]
        self.reply = (200, json.dumps({"object": "text_completion", "choices": choices}).encode())

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
