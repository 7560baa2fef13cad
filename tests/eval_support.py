"""Helpers shared by the evaluator and checker tests: a register model written in comments.

``// register: NAME WIDTH FIELD=hi:lo FIELD=bit ...`` declares a register of the test model;
``// layout: TypeName REGISTER`` a register-layout type.
"""

from __future__ import annotations

from asl_interp.lib.world import FieldDef, RegisterDef, RegisterModel


def directives(text: str, kinds: set[str]) -> list[tuple[str, str]]:
    """``(kind, rest)`` for every ``// kind: rest`` comment line whose kind is in ``kinds``."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("//"):
            word, sep, rest = line[2:].strip().partition(":")
            if sep and word in kinds:
                out.append((word, rest.strip()))
    return out


def model_from(text: str) -> RegisterModel:
    """The register model the ``register:`` and ``layout:`` lines of ``text`` declare."""
    model = RegisterModel()
    for kind, rest in directives(text, {"register", "layout"}):
        if kind == "register":
            name, width, *fields = rest.split()
            fdefs = {}
            for f in fields:
                fname, pos = f.split("=")
                hi, _, lo = pos.partition(":")
                fdefs[fname] = FieldDef(fname, int(hi), int(lo or hi))
            model.registers[name] = RegisterDef(name, int(width), fdefs)
        else:
            tname, reg = rest.split()
            model.types[tname] = reg
    return model
