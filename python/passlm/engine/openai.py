"""openai:URL — LLM Compiler's flag-tuning prompt sent to an OpenAI-compatible server.

Spec::

    openai:http://localhost:8000/v1
    openai:http://localhost:8000/v1?model=facebook/llm-compiler-7b-ftd
    openai:https://host/v1?model=NAME&timeout=120

URL is the base of the API (what ends in ``/v1`` on vLLM, llama.cpp's
server, TGI...); passlm POSTs to ``URL/completions`` (the plain completions
endpoint: the prompt is LLM Compiler's own ``[INST] ... [/INST]`` text, no
chat template). Query parameters passlm reads (and removes from the URL):

``model=NAME``
    the model field of the request; else ``$PASSLM_OPENAI_MODEL``; else the
    field is left out (vLLM and llama.cpp then use the model they serve).
``timeout=SECONDS``
    how long to wait for an answer (default 60).

Other query parameters are refused (a typo should not pass silently).
``$OPENAI_API_KEY``, if set, is sent as ``Authorization: Bearer ...``.

``complete(prompt, k, max_new_tokens)`` (what every task uses: flag
tuning in ``predict``, disassembly, emulation of opt) posts
``{"model", "prompt", "max_tokens", ...}``, ``max_tokens`` being
``max_new_tokens`` or the engine's ``max_tokens`` (256, enough for a
flag-tuning answer):

* k=1: ``"temperature": 0, "n": 1`` — greedy, as the paper evaluates; the
  answer scores 1.
* k>1: ``"temperature": 0.7, "n": k, "seed": SEED``. Temperature 0 with
  ``n>1`` gives k identical answers from most servers, and ``best_of`` (which
  would rank sampled answers) is gone from OpenAI's API and from vLLM's V1
  engine, so k>1 samples; the fixed seed (``set_seed``) keeps it repeatable
  on servers that honour it. The k answers, repeats included, are ranked by
  how many of the k samples are the same text (score = that share), ties in
  the order the server returned them.

``predict`` parses and checks those answers
(:func:`passlm.engine.prompts.answers_to_candidates`) and ranks the
pipelines by how many of the k answers gave the same one (score = that
share), ties in the order ``complete`` gave them. ``fit(build, text)`` is
``build(text)``: the server's context is not known here, so nothing is cut.

Only the standard library is used. Network failures, HTTP errors and
answers that are not the expected JSON raise :class:`OpenAIEngineError`
naming the URL and the problem (the plugin turns it into a warning and keeps
-Oz). A prompt longer than the server's context is the server's error.
"""
from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..errors import PassLMError
from . import Candidate, EngineSpecError, ModuleFacts
from .prompts import answers_to_candidates, flag_tuning_prompt, parse_pipeline_answer

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_TOKENS = 256
#: Sampling temperature for k>1 (k=1 is greedy, temperature 0).
SAMPLING_TEMPERATURE = 0.7
MODEL_ENV = "PASSLM_OPENAI_MODEL"
KEY_ENV = "OPENAI_API_KEY"


class OpenAIEngineError(PassLMError, RuntimeError):
    """The server could not be reached or did not answer as expected."""


@dataclass
class OpenAIEngine:
    base_url: str
    model: Optional[str] = None
    timeout: float = DEFAULT_TIMEOUT
    max_tokens: int = DEFAULT_MAX_TOKENS
    seed: int = 0
    needs = frozenset({"ir"})

    @classmethod
    def from_spec(cls, argument: str) -> "OpenAIEngine":
        example = "e.g. openai:http://localhost:8000/v1?model=NAME"
        if not argument:
            raise EngineSpecError(f"openai: needs the server's base URL, {example}")
        parts = urllib.parse.urlsplit(argument)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise EngineSpecError(f"openai: '{argument}' is not an http(s) URL, {example}")
        options = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(options) - {"model", "timeout"})
        if unknown:
            raise EngineSpecError(f"openai: unknown option(s) {', '.join(unknown)} in '{argument}' "
                                  "(known: model, timeout)")
        model = options.get("model", [""])[-1] or os.environ.get(MODEL_ENV) or None
        timeout = DEFAULT_TIMEOUT
        if "timeout" in options:
            try:
                timeout = float(options["timeout"][-1])
            except ValueError:
                timeout = -1.0
            if not timeout > 0:
                raise EngineSpecError(f"openai: timeout must be a positive number of seconds, "
                                      f"got '{options['timeout'][-1]}'")
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        return cls(base, model, timeout)

    def set_seed(self, seed: int) -> None:
        self.seed = int(seed)

    @property
    def url(self) -> str:
        return self.base_url + "/completions"

    def request_body(self, prompt: str, k: int, max_new_tokens: Optional[int] = None) -> dict:
        """The JSON complete posts for ``prompt`` and ``k``."""
        max_tokens = self.max_tokens if max_new_tokens is None else max_new_tokens
        body: dict[str, Any] = {"prompt": prompt, "max_tokens": max_tokens}
        if self.model:
            body["model"] = self.model
        if k > 1:
            body.update(n=k, temperature=SAMPLING_TEMPERATURE, seed=self.seed)
        else:
            body.update(n=1, temperature=0)
        return body

    def fit(self, build: Callable[[str], str], text: str, max_new_tokens: Optional[int] = None) -> str:
        """``build(text)``: the server's context is unknown here, nothing is cut."""
        return build(text)

    def complete(self, prompt: str, k: int, max_new_tokens: Optional[int] = None) -> list[tuple[str, float]]:
        """The k answers (text, score) to ``prompt``, best first; see the module docstring."""
        if k <= 0:
            return []
        answers = self._texts(self._post(self.request_body(prompt, k, max_new_tokens)))
        votes = Counter(answers)
        ranked = sorted(answers, key=lambda answer: -votes[answer])  # stable: ties keep server order
        return [(answer, votes[answer] / len(answers)) for answer in ranked]

    def predict(self, ir_text: str, k: int, facts: Optional[ModuleFacts] = None) -> list[Candidate]:
        if k <= 0:
            return []
        answers = [text for text, _ in self.complete(self.fit(flag_tuning_prompt, ir_text), k)]
        candidates = answers_to_candidates(answers)  # checked, repeats dropped, in complete's order
        votes = Counter(parse_pipeline_answer(answer) for answer in answers)
        ranked = sorted(candidates, key=lambda c: -votes[c.pipeline])  # stable: ties keep that order
        return [Candidate(c.pipeline, votes[c.pipeline] / len(answers)) for c in ranked[:k]]

    # -------------------------------------------------------------- HTTP

    def _post(self, body: dict) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = os.environ.get(KEY_ENV)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as e:
            detail = _excerpt(e.read() if e.fp else b"")
            message = f"{self.url}: HTTP {e.code} {e.reason}" + (f": {detail}" if detail else "")
            raise OpenAIEngineError(message) from None
        except (socket.timeout, TimeoutError):
            raise OpenAIEngineError(f"{self.url}: no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, (socket.timeout, TimeoutError)):
                raise OpenAIEngineError(f"{self.url}: no answer within {self.timeout:g} s") from None
            raise OpenAIEngineError(f"{self.url}: cannot connect: {e.reason}") from None
        except (OSError, ValueError) as e:  # connection reset, bad status line...
            raise OpenAIEngineError(f"{self.url}: {type(e).__name__}: {e}") from None
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise OpenAIEngineError(f"{self.url}: the answer is not JSON ({e}): {_excerpt(raw)}") from None

    def _texts(self, document: Any) -> list[str]:
        choices = document.get("choices") if isinstance(document, dict) else None
        if not isinstance(choices, list) or not choices:
            raise OpenAIEngineError(
                f"{self.url}: the answer has no 'choices' list: {_excerpt(json.dumps(document).encode())}")
        if not all(isinstance(c, dict) and isinstance(c.get("text"), str) for c in choices):
            raise OpenAIEngineError(
                f"{self.url}: a choice has no 'text' string: {_excerpt(json.dumps(choices).encode())}")
        if all(isinstance(c.get("index"), int) for c in choices):
            choices = sorted(choices, key=lambda c: c["index"])
        return [c["text"] for c in choices]


def _excerpt(raw: bytes, limit: int = 200) -> str:
    text = raw.decode("utf-8", "replace").strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "..."
