"""Defaults that light modules (the plugin's bridge, the server client) share
with the engines, without importing them."""

DEFAULT_ENGINE = "model:default"  # the model shipped in the package
