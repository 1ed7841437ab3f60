"""Model input: the summary, the budget, and the context-overflow strategy."""
from __future__ import annotations

from passlm.model.encode import encode_module, module_counts, split_chunks, summary_features, summary_line
from passlm.model.normalize import normalize_ir
from passlm.model.tokenizer import ANSWER, BOS, CUT, is_pass_token, pass_token


def test_pass_tokens_are_single_tokens(small_tokenizer):
    for element in ("default<Oz>", "function(sroa)", "function(instcombine<no-verify-fixpoint>)"):
        ids = small_tokenizer(pass_token(element), add_special_tokens=False)["input_ids"]
        assert len(ids) == 1 and is_pass_token(small_tokenizer.convert_ids_to_tokens(ids[0]))


def test_summary_counts_the_whole_module(example_texts):
    top, functions = split_chunks(normalize_ir(example_texts["sort"]))
    line = summary_line(top, functions)
    assert line.startswith(f"functions {len(functions)} internal ")
    assert " call " in line.splitlines()[1] or "call" in line


def test_summary_features_are_the_summary_lines_numbers(example_texts):
    text = example_texts["sort"]
    top, functions = split_chunks(normalize_ir(text))
    counts = module_counts(top, functions)
    words = summary_line(top, functions).split()
    said = dict(zip(words[::2], map(int, words[1::2])))
    assert said == {name: n for name, n in counts.items() if n or name in ("functions", "internal", "globals",
                                                                         "instructions")}
    assert summary_features(text) == list(counts.values()) and counts["instructions"] > 0


def test_a_module_that_fits_is_whole(small_tokenizer, example_texts):
    text = example_texts["hello"] if "hello" in example_texts else min(example_texts.values(), key=len)
    encoded = encode_module(text, small_tokenizer, 100_000)
    tokens = small_tokenizer.convert_ids_to_tokens(encoded.ids)
    assert not encoded.cut and tokens[0] == BOS and tokens[-1] == ANSWER and CUT not in tokens


def test_context_overflow_condenses_within_budget(small_tokenizer, example_texts):
    # Every example twice over, and one huge function: far beyond a 200-token budget.
    big = max(example_texts.values(), key=len)
    body = "\n".join(f" %{i + 10} = add i32 %{i + 9}, 1" for i in range(5000))
    huge = big + f"\ndefine i32 @huge(i32 %9) {{\n{body}\n ret i32 %5009\n}}\n"
    for budget in (64, 200, 511):
        encoded = encode_module(huge, small_tokenizer, budget)
        tokens = small_tokenizer.convert_ids_to_tokens(encoded.ids)
        assert encoded.cut and len(encoded.ids) <= budget
        assert tokens[0] == BOS and tokens[-1] == ANSWER
        assert CUT in tokens or budget < 100  # a tiny budget holds the summary only
    # The summary still describes the whole module.
    whole = summary_line(*split_chunks(normalize_ir(huge))).splitlines()[0]
    assert whole in small_tokenizer.decode(encode_module(huge, small_tokenizer, 200).ids)
    assert int(whole.split(" instructions ")[1].split()[0]) > 5000


def test_functions_share_the_budget(small_tokenizer, example_texts):
    big = max(example_texts.values(), key=len)
    encoded = encode_module(big, small_tokenizer, 511)
    text = small_tokenizer.decode(encoded.ids)
    _, functions = split_chunks(normalize_ir(big))
    # Ten functions, about 40 tokens each: every one keeps its signature.
    assert encoded.cut and len(functions) == 10
    assert text.count("define ") == len(functions)
