"""Running a checked program: ``evaluator`` (Python closures, fast and instrumented forms)
and ``codegen`` (generated Python).
"""
