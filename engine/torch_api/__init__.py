"""PyTorch's Python surface over the engine, one file per kind of function (engine/api.py
imports them all, in this order, and re-exports the public dicts)."""
