"""Running a checked program: ``codegen`` (the checked program as Python source, with
emission options for what a run reports), ``runtime`` (what the generated code calls, limits,
errors with the ASL call stack, the loaded module) and ``program`` (the public face: call,
evaluate, run statements).
"""
