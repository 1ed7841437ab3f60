"""Pipelines: the vocabulary they are made of (read from the LLVM in use) and
the crash-isolated worker pools that evaluate them at scale. Shared by the
tuner, the trainer, the evaluation and the engines, so it sits below them."""
