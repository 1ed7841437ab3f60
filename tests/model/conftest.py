"""A tokenizer trained on the examples' IR (small, made once per session)."""
from __future__ import annotations

import pytest

import passlm


@pytest.fixture(scope="session")
def example_texts(example_bcs) -> dict:
    return {name: passlm.Module.from_file(str(bc)).to_text() for name, bc in example_bcs.items()}


@pytest.fixture(scope="session")
def small_tokenizer(example_texts):
    from passlm.model.normalize import normalize_ir
    from passlm.model.tokenizer import train_tokenizer
    from passlm.pipelines.space import candidate_elements

    return train_tokenizer([normalize_ir(t) for t in example_texts.values()], candidate_elements(), 600)
