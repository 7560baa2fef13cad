"""What a handler sees: the outcome fields read from the state an exception entry left.

In: the registers and PSTATE fields the entry wrote, by name, with their values after
(:class:`After`: unknown bits 0, each run of unknown bits either a copy of bits some read
found unset or bits nothing ever set). Out: the syndrome fields (EC, IL, ISS of ESR_ELx or
HSR), the PC the text branched to, the vector offset and the vector in words
(``VBAR_EL2 + 0x600``) - :func:`handler_view`; and :meth:`After.filled`, the same state with
copied bits filled in from register values given later (what the decider does with a state
its leaf left unset).

One place for these decisions: :meth:`Machine.outcome_after
<asl_interp.machine.machine.Machine.outcome_after>` and :meth:`Decider.run
<asl_interp.analysis.decider.Decider.run>` both use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

#: AArch32 vector tables are 32-byte aligned, AArch64 ones 2KB aligned: the PC's low bits
#: are the offset the text added.
OFFSET_MASK = {"AArch32": 0x1F, "AArch64": 0x7FF}


class Copy(NamedTuple):
    """Bits ``lo + width - 1 .. lo`` of a value after entry are bits ``register_lo +
    width - 1 .. register_lo`` of ``register``, which a read found unset (so unknown)."""

    lo: int
    width: int
    register: str
    register_lo: int


class After(NamedTuple):
    """``values``: name -> value after entry (unknown bits 0); ``unknown``: name -> mask of
    its unknown bits; ``copies``: name -> the :class:`Copy` runs among them (the other
    unknown bits were never set by anyone); ``written``: name -> the bits the text wrote
    (the others are the state's, as it was before)."""

    values: dict[str, int]
    unknown: dict[str, int]
    copies: dict[str, tuple[Copy, ...]]
    written: dict[str, int]

    def origins(self, model: Any) -> dict[str, tuple[int, str]]:
        """name -> (unknown mask, where its unknown bits came from in words:
        ``VBAR_EL2<63:11>``, ``never set``), as :attr:`Outcome.after_unknown` has it."""
        out = {}
        for name, mask in self.unknown.items():
            copies = self.copies.get(name, ())
            words = [model.bits_name(c.register, c.register_lo + c.width - 1, c.register_lo) for c in copies]
            copied = 0
            for c in copies:
                copied |= ((1 << c.width) - 1) << c.lo
            if mask & ~copied:
                words.append("never set")
            out[name] = (mask, ", ".join(dict.fromkeys(words)))
        return out

    def filled(self, model: Any, values: Mapping[str, int], known: Mapping[str, int]) -> After:
        """This state as it is for the storage ``values`` before entry (``known`` marking
        the set bits, as :meth:`Machine.storage` gives them): each copied run whose source
        bits are set filled in, and each bit the text did not write taken from ``values``
        (unknown where they are not set)."""
        out_values, out_unknown, out_copies = dict(self.values), dict(self.unknown), dict(self.copies)
        for name, value in self.values.items():
            register, high, low = _bits_of(model, name)
            view = model.views[register]
            width_mask = (1 << (high - low + 1)) - 1
            kept = (width_mask & ~self.written.get(name, 0))
            if kept:  # bits the text left alone: the state's
                shift = low + view.offset
                given = (known.get(view.storage, 0) >> shift) & kept
                value = (value & ~kept) | ((values.get(view.storage, 0) >> shift) & given)
                unknown = (out_unknown.get(name, 0) & ~kept) | (kept & ~given)
                out_values[name] = value
                if unknown:
                    out_unknown[name] = unknown
                else:
                    out_unknown.pop(name, None)
            copies = []
            for c in self.copies.get(name, ()):
                view = model.views[c.register]
                shift = c.register_lo + view.offset
                run = (1 << c.width) - 1
                if (known.get(view.storage, 0) >> shift) & run != run:
                    copies.append(c)
                    continue
                bits = (values[view.storage] >> shift) & run
                out_values[name] = (out_values[name] & ~(run << c.lo)) | (bits << c.lo)
                if name in out_unknown:
                    out_unknown[name] &= ~(run << c.lo)
                    if not out_unknown[name]:
                        del out_unknown[name]
            if copies:
                out_copies[name] = tuple(copies)
            else:
                out_copies.pop(name, None)
        return After(out_values, out_unknown, out_copies, self.written)


def _bits_of(model: Any, name: str) -> tuple[str, int, int]:
    """The register and bits a name of :attr:`After.values` stands for (``PC`` is ``_PC``,
    ``PSTATE.EL`` a field)."""
    if name == "PC":
        name = "_PC"
    if "." in name:
        register, field = name.split(".", 1)
        f = model.registers[register].fields[field]
        return register, f.high, f.low
    return name, model.registers[name].width - 1, 0


class HandlerView(NamedTuple):
    """The outcome fields an exception entry's state gives (None where it gives none)."""

    ec: int | None
    il: int | None
    iss: int | None
    pc: int | None
    vector_offset: int | None
    vector: str | None


def handler_view(model: Any, after: After, *, target_state: str, el: int | None, mode: str | None) -> HandlerView:
    """Read the syndrome register the entry wrote (HSR for Hyp mode, else ESR_EL<el> in
    AArch64; none for other AArch32 modes) and the PC it branched to: the vector offset is
    the PC's low bits (when known), the vector the rest, named as the register it was copied
    from when it is that register's bits in place, else as a number."""
    values, unknown = after.values, after.unknown
    aarch32 = target_state == "AArch32"
    syndrome = ("HSR" if mode == "Hyp" else None) if aarch32 else (f"ESR_EL{el}" if el is not None else None)
    ec = il = iss = None
    if syndrome is not None and syndrome in values and syndrome in model.registers:
        fields = model.registers[syndrome].fields
        value = values[syndrome]
        ec, il, iss = ((value >> fields[n].low) & ((1 << fields[n].width) - 1) if n in fields else None
                       for n in ("EC", "IL", "ISS"))
    pc = values.get("PC")
    vector_offset = vector = None
    if pc is not None:
        width = 32 if aarch32 else model.registers["_PC"].width
        offset_mask = OFFSET_MASK[target_state]
        pc &= (1 << width) - 1  # the AArch32 PC is 32 bits (BranchTo zero-extends)
        mask = unknown.get("PC", 0) & ((1 << width) - 1)
        if not mask & offset_mask:
            vector_offset = pc & offset_mask
            table_bits = ((1 << width) - 1) & ~offset_mask
            copies = after.copies.get("PC", ())
            sources = {(c.register, c.register_lo - c.lo) for c in copies}
            if not mask:
                table = f"0x{pc & table_bits:X}"
            elif mask == table_bits and len(sources) == 1 and next(iter(sources))[1] == 0:
                table = next(iter(sources))[0]  # the PC's table bits are that register's, in place
            else:
                table = f"0x{pc & table_bits & ~mask:X} with bits {after.origins(model)['PC'][1]}"
            vector = f"{table} + 0x{vector_offset:X}"
    return HandlerView(ec, il, iss, pc, vector_offset, vector)
