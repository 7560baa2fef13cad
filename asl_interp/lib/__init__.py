"""The ASL standard library and the effects interface: what every phase after the parser
shares.

``values`` (the run-time values of ASL), ``primitives`` (the standard-library functions and the
bodies of what the spec declares without one, with their registry), ``world`` (the one
interface through which a running program reaches machine state, and the static register
knowledge the checker reads).
"""
