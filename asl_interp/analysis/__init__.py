"""What is computed over many runs: ``explore`` (decision tables, property checks),
``crosscheck`` (hand-written models against the spec), ``decider`` (a call on a profile
compiled to a decision tree), ``sweep`` (many states through the decider),
``consistency`` (the spec's own checks of a state) and ``diff`` (what changed between two spec
versions).
"""
