"""The grammars (Lark files) shipped as package data."""
