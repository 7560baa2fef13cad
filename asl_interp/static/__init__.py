"""Static checking: ``checker`` resolves every name, overload and width of a whole program
before it runs, and records what it found in side tables keyed by AST node.
"""
