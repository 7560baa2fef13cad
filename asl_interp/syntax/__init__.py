"""Syntax: ASL text to the AST and back.

``grammar.lark`` and ``parser`` (text -> ``ast``), ``ast`` (the node classes every later phase
reads), ``formatter`` (AST -> canonical ASL), ``depth`` (walking deeply nested expressions).
Imports only :mod:`asl_interp.errors`.
"""
