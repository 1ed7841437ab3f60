"""The openai: engine against a local HTTP server started here (no network)."""
from __future__ import annotations

import socket
import time

import pytest

import passlm
from engine.conftest import CompletionServer
from passlm.engine import Candidate, EngineSpecError, make_engine
from passlm.engine.openai import OpenAIEngineError

IR = "define i32 @f(i32 %x) {\n  %y = add i32 %x, 1\n  ret i32 %y\n}\n"
PROMPT = ("[INST] Tell me how to optimize this LLVM-IR for object file size:\n\n<code>"
          "define i32 @f(i32 %x) {\n  %y = add i32 %x, 1\n  ret i32 %y\n}\n"
          "</code> [/INST]")


@pytest.fixture
def server():
    s = CompletionServer()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("PASSLM_OPENAI_MODEL", raising=False)


def test_greedy_request_is_the_exact_prompt(server):
    server.answer("opt -p 'module(default<Oz>)'")
    engine = make_engine(f"openai:{server.base}?model=llm-compiler-7b-ftd")
    assert engine.needs == frozenset({"ir"})
    assert engine.predict(IR, 1) == [Candidate("module(default<Oz>)", 1.0)]
    (request,) = server.requests
    assert request["path"] == "/v1/completions"
    assert request["body"]["prompt"] == PROMPT
    assert request["body"]["model"] == "llm-compiler-7b-ftd"
    assert request["body"]["n"] == 1 and request["body"]["temperature"] == 0
    assert request["body"]["max_tokens"] == 256
    assert "Authorization" not in request["headers"]


def test_k_samples_are_parsed_checked_deduplicated_and_ranked_by_votes(server):
    server.answer("Run passes function(sroa),gvn to reduce instruction count from 3 to 2",
                  "I am not sure.",
                  "opt -p 'default<Oz>'",
                  "-passes=notapass",
                  "-passes=default<Oz>",
                  "")
    engine = make_engine(f"openai:{server.base}/?model=m")
    engine.set_seed(42)
    candidates = engine.predict(IR, 6)
    assert candidates == [Candidate("default<Oz>", 2 / 6), Candidate("function(sroa),gvn", 1 / 6)]
    for candidate in candidates:
        passlm.check_pipeline(candidate.pipeline)
    body = server.requests[-1]["body"]
    assert body["n"] == 6 and body["temperature"] > 0 and body["seed"] == 42
    assert body["prompt"] == PROMPT


def test_no_more_than_k_candidates(server):
    server.answer("gvn", "sroa", "instcombine<no-verify-fixpoint>")
    assert [c.pipeline for c in make_engine(f"openai:{server.base}").predict(IR, 2)] == ["gvn", "sroa"]


def test_model_from_environment_and_api_key(server, monkeypatch):
    monkeypatch.setenv("PASSLM_OPENAI_MODEL", "from-env")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    server.answer("gvn")
    make_engine(f"openai:{server.base}").predict(IR, 1)
    request = server.requests[-1]
    assert request["body"]["model"] == "from-env"
    assert request["headers"]["Authorization"] == "Bearer sk-test"


def test_model_left_out_when_not_given(server):
    server.answer("gvn")
    make_engine(f"openai:{server.base}").predict(IR, 1)
    assert "model" not in server.requests[-1]["body"]


def test_only_garbage_gives_no_candidates(server):
    server.answer("Sorry, I can't.", "")
    assert make_engine(f"openai:{server.base}").predict(IR, 2) == []


def test_http_error_is_reported(server):
    server.reply = (500, b'{"error": "model exploded"}')
    engine = make_engine(f"openai:{server.base}")
    with pytest.raises(OpenAIEngineError, match=r"/v1/completions: HTTP 500 .*model exploded"):
        engine.predict(IR, 1)
    assert isinstance(OpenAIEngineError("x"), RuntimeError)


@pytest.mark.parametrize("body,message", [
    (b"<html>not json</html>", "not JSON"),
    (b'{"choices": []}', "no 'choices'"),
    (b'{"data": 1}', "no 'choices'"),
    (b'{"choices": [{"message": {"content": "gvn"}}]}', "no 'text'"),
])
def test_malformed_answer_is_reported(server, body, message):
    server.reply = (200, body)
    with pytest.raises(OpenAIEngineError, match=message) as error:
        make_engine(f"openai:{server.base}").predict(IR, 1)
    assert server.base in str(error.value)


def test_server_that_never_answers_times_out_quickly():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections (the backlog) and never says a word
    try:
        port = listener.getsockname()[1]
        engine = make_engine(f"openai:http://127.0.0.1:{port}/v1?timeout=0.3")
        assert engine.timeout == 0.3
        start = time.monotonic()
        with pytest.raises(OpenAIEngineError, match=rf"127.0.0.1:{port}/v1/completions: no answer within 0.3 s"):
            engine.predict(IR, 1)
        assert time.monotonic() - start < 5
    finally:
        listener.close()


def test_connection_refused_is_reported():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(OpenAIEngineError, match=rf"127.0.0.1:{port}/v1/completions: cannot connect"):
        make_engine(f"openai:http://127.0.0.1:{port}/v1?timeout=2").predict(IR, 1)


@pytest.mark.parametrize("spec,message", [
    ("openai:", "needs the server's base URL"),
    ("openai:localhost:8000/v1", "not an http"),
    ("openai:ftp://host/v1", "not an http"),
    ("openai:http:///v1", "not an http"),
    ("openai:http://host/v1?modle=x", "unknown option"),
    ("openai:http://host/v1?timeout=soon", "timeout must be a positive number"),
    ("openai:http://host/v1?timeout=0", "timeout must be a positive number"),
])
def test_bad_specs(spec, message):
    with pytest.raises(EngineSpecError, match=message):
        make_engine(spec)


def test_spec_parts():
    engine = make_engine("openai:https://example.org/api/v1/?model=a/b&timeout=5")
    assert (engine.base_url, engine.model, engine.timeout) == ("https://example.org/api/v1", "a/b", 5.0)
    assert engine.url == "https://example.org/api/v1/completions"


def test_complete_ranks_answer_texts_by_votes_and_sets_the_room(server):
    server.answer("b", "a", "a", "c")
    engine = make_engine(f"openai:{server.base}")
    assert engine.complete("any prompt {x}", 4, max_new_tokens=2048) == [
        ("a", 0.5), ("a", 0.5), ("b", 0.25), ("c", 0.25)]
    body = server.requests[-1]["body"]
    assert body["prompt"] == "any prompt {x}" and body["max_tokens"] == 2048 and body["n"] == 4
    server.answer("only")
    assert engine.complete("p", 1) == [("only", 1.0)]
    assert server.requests[-1]["body"]["max_tokens"] == 256
    assert engine.fit(lambda text: "<" + text + ">", "x" * 100000) == "<" + "x" * 100000 + ">"
