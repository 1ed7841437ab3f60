"""Defaults that light modules (the plugin's bridge, the server client) share
with the engines, without importing them."""

DEFAULT_ENGINE = "model:default"  # the model shipped in the package

#: The baseline pipeline, clang -Oz's middle end: what every figure is
#: measured against, what the guard keeps when nothing is smaller, and the
#: fallback when anything fails. (C++: passlm::BaselinePipeline in Core.h.)
OZ = "default<Oz>"
