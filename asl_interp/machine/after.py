"""What a handler sees: the outcome fields read from the state an exception entry left.

In: the registers and PSTATE fields the entry wrote, by name, with their values after
(:class:`After`: unknown bits 0, each run of unknown bits either a copy of bits some read
found unset or bits nothing ever set). Out: the syndrome fields (EC, IL, ISS of ESR_ELx or
HSR), the PC the text branched to, the vector offset and the vector in words
(``VBAR_EL2 + 0x600``) - :func:`handler_view`; and :meth:`AfterPlan.fill`, the same state
with copied bits filled in from register values given later (what the decider does with a
state its leaf left unset), written as one Python function per :class:`After` for the decider
to run on many states.

One place for these decisions: :meth:`Machine.outcome_after
<asl_interp.machine.machine.Machine.outcome_after>` and :meth:`Decider.run
<asl_interp.analysis.decider.Decider.run>` both use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ..lib.values import _restrict

#: Entries an :class:`AfterPlan` keeps of the words of unknown bits and of the handler's
#: view before it empties its memo (memory stays bounded whatever the states).
PLAN_MEMO = 4096

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


#: The word :meth:`After.origins` gives bits the text itself made UNKNOWN (``FAR[target_el] =
#: bits(64) UNKNOWN;``): any value, whatever the state before entry.
UNKNOWN_WORD = "UNKNOWN"


class After(NamedTuple):
    """``values``: name -> value after entry (unknown bits 0); ``unknown``: name -> mask of
    its unknown bits; ``copies``: name -> the :class:`Copy` runs among them; ``written``:
    name -> the bits the text wrote (the others are the state's, as it was before);
    ``arbitrary``: name -> the unknown bits the text wrote as ``UNKNOWN`` (the unknown bits
    neither copied nor written so were never set by anyone)."""

    values: dict[str, int]
    unknown: dict[str, int]
    copies: dict[str, tuple[Copy, ...]]
    written: dict[str, int]
    arbitrary: dict[str, int]

    def origins(self, model: Any) -> dict[str, tuple[int, str]]:
        """name -> (unknown mask, where its unknown bits came from in words:
        ``VBAR_EL2<63:11>``, ``UNKNOWN``, ``never set``), as :attr:`Outcome.after_unknown` has it."""
        # (the words depend on the mask, the copies and the bits made UNKNOWN alone, which the
        # text's structure bounds: kept in the model's memo, as every kept run of an
        # exploration asks for them)
        memo = model.memo
        out = {}
        for name, mask in self.unknown.items():
            copies = self.copies.get(name, ())
            arbitrary = self.arbitrary.get(name, 0)
            words = memo.get(("origin", mask, copies, arbitrary))
            if words is None:
                words = memo["origin", mask, copies, arbitrary] = _origin_words(
                    mask, [(c, _copy_words(model, c)) for c in copies], arbitrary)
            out[name] = (mask, words)
        return out


def _copy_words(model: Any, c: Copy) -> str:
    """The source bits of copy ``c`` in words (``VBAR_EL2<63:11>``)."""
    return model.bits_name(c.register, c.register_lo + c.width - 1, c.register_lo)


def _origin_words(mask: int, copies: Any, arbitrary: int = 0) -> str:
    """Where unknown bits ``mask`` of a value came from, in words: the sources of its
    ``copies`` (``(Copy, words)`` pairs), ``UNKNOWN`` for the bits the text made UNKNOWN
    (``arbitrary``) and ``never set`` for the bits neither covers."""
    words = [w for _c, w in copies]
    copied = 0
    for c, _w in copies:
        copied |= ((1 << c.width) - 1) << c.lo
    if mask & arbitrary:
        words.append(UNKNOWN_WORD)
    if mask & ~copied & ~arbitrary:
        words.append("never set")
    return ", ".join(dict.fromkeys(words))


class AfterPlan:
    """One :class:`After` as it is for many states before entry, with :meth:`After.origins`,
    as one Python function written for it: each name's bits, its copies' sources and their
    words located once, and the whole result for a state that gives none of the bits it
    depends on (the usual case for most names) made once. :meth:`fill` then recomputes only
    the names whose source bits the state sets. Optionally (``target_state`` given)
    :func:`handler_view` of the result too, recomputed only when the syndrome register or
    the PC was. ``memo``: where to keep the words and views made (by the values they depend
    on), e.g. the caller's memo of outcomes, so that emptying it empties them."""

    __slots__ = ("after", "template", "fill_fn")

    def __init__(self, model: Any, after: After, *, target_state: str | None = None, el: int | None = None,
                 mode: str | None = None, memo: dict | None = None):
        self.after = after
        shape = None if target_state is None else view_shape(model, target_state=target_state, el=el, mode=mode)
        view_names = {"PC", shape.syndrome} if shape is not None else set()
        # (the words of unknown bits and the handler's view depend on few values, and many
        # states share them: each is kept by those values, in ``memo`` (the caller's, emptied
        # with its own outcomes) or the plan's own, bounded; ``_me`` keys this plan's entries)
        memo = {} if memo is None else memo
        consts: dict[str, Any] = {"_view": _view, "_After": After, "_shape": shape, "_model": model,
                                  "_written": after.written, "_words": _origin_words, "_wmemo": memo,
                                  "_vmemo": memo, "_me": object(), "_syn": shape.syndrome if shape is not None else None,
                                  "_MEMO": PLAN_MEMO, "_unset_part": _unset_part,
                                  "_arbitrary": after.arbitrary}
        head = ["def fill(v, k, base, every):",
                "    values, unknown, copies, origins, view = (dict(base[0]), dict(base[1]), dict(base[2]), "
                "dict(base[3]), base[4])",
                "    changed = every"]
        body: list[str] = []
        storages: dict[str, str] = {}

        def known(storage: str) -> str:
            if storage not in storages:
                storages[storage] = f"k{len(storages)}"
                head.append(f"    {storages[storage]} = k.get({storage!r}, 0)")
            return storages[storage]

        for n, name in enumerate(after.values):
            register, high, low = _bits_of(model, name)
            view = model.views[register]
            kept = ((1 << (high - low + 1)) - 1) & ~after.written.get(name, 0)
            shift = low + view.offset
            copies = []
            for c in after.copies.get(name, ()):
                cview = model.views[c.register]
                copies.append((c, cview.storage, c.register_lo + cview.offset, (1 << c.width) - 1,
                               _copy_words(model, c)))
            tests = [f"{known(view.storage)} & {kept << shift:#x}"] if kept else []
            tests += [f"{known(st)} & {run << cshift:#x}" for _c, st, cshift, run, _w in copies]
            if not tests:
                continue  # nothing of the state reaches it: the plain After's value stands
            body.append(f"    if every or {' or '.join(tests)}:  # {name}")
            body.append(f"        value = {after.values[name]:#x}")
            body.append(f"        unk = {after.unknown.get(name, 0):#x}")
            if kept:  # bits the text left alone: the state's
                k = known(view.storage)
                body.append(f"        g = ({k} >> {shift}) & {kept:#x}")
                body.append(f"        value = (value & {~kept:#x}) | ((v.get({view.storage!r}, 0) >> {shift}) & g)")
                body.append(f"        unk = (unk & {~kept:#x}) | ({kept:#x} & ~g)")
            if copies:
                body.append("        left = []")
            for j, (c, st, cshift, run, words) in enumerate(copies):
                consts[f"_e{n}_{j}"] = (c, words)
                # the source bits the state sets go in; a run left partly unset is still a
                # copy of those bits alone, as the text's read of them gives (Machine._after)
                body.append(f"        g = ({known(st)} >> {cshift}) & {run:#x}")
                body.append("        if g:")
                body.append(f"            value = (value & ~(g << {c.lo})) | (((v[{st!r}] >> {cshift}) & g) << {c.lo})")
                body.append(f"            unk &= ~(g << {c.lo})")
                body.append(f"            if g != {run:#x}:")
                body.append(f"                left += _unset_part(_model, _e{n}_{j}[0], {run:#x} & ~g)")
                body.append("        else:")
                body.append(f"            left.append(_e{n}_{j})")
            body.append(f"        values[{name!r}] = value")
            body.append("        if unk:")
            body.append(f"            unknown[{name!r}] = unk")
            body.append(f"            wkey = (_me, {name!r}, unk{', *left' if copies else ''})")
            body.append("            words = _wmemo.get(wkey)")
            body.append("            if words is None:")
            body.append("                if len(_wmemo) >= _MEMO:")
            body.append("                    _wmemo.clear()")
            body.append(f"                words = _wmemo[wkey] = _words(unk, {'left' if copies else '()'}, "
                        f"{after.arbitrary.get(name, 0):#x})")
            body.append(f"            origins[{name!r}] = (unk, words)")
            body.append("        else:")
            body.append(f"            unknown.pop({name!r}, None)")
            body.append(f"            origins.pop({name!r}, None)")
            if copies:
                body.append("        if left:")
                body.append(f"            copies[{name!r}] = tuple([e[0] for e in left])")
                body.append("        else:")
                body.append(f"            copies.pop({name!r}, None)")
            if name in view_names:
                body.append("        changed = True")
        # what _view reads: the syndrome's value, the PC's, its unknown bits and their copies,
        # and the state's bits of the register the PC's bits are copied from (the vector's
        # name: see _is_register; the state may give bits of it no copy took, those the
        # run decided)
        source = vector_source(after.copies.get("PC", ())) if shape is not None else None
        tail = []
        if source is not None:
            sview = model.views[source]
            smask = (1 << model.registers[source].width) - 1
            k = known(sview.storage)
            tail += [f"    sk = ({k} >> {sview.offset}) & {smask:#x}",
                     "    if sk:",
                     "        changed = True",
                     f"    src = ({source!r}, (v.get({sview.storage!r}, 0) >> {sview.offset}) & sk, sk)"]
        else:
            tail.append("    src = None")
        tail += ["    if changed and _shape is not None:",
                 "        vkey = (_me, values.get(_syn), values.get('PC'), unknown.get('PC'), copies.get('PC'), src)",
                 "        view = _vmemo.get(vkey)",
                 "        if view is None:",
                 "            if len(_vmemo) >= _MEMO:",
                 "                _vmemo.clear()",
                 "            view = _vmemo[vkey] = _view(_shape, _model,",
                 "                                        _After(values, unknown, copies, _written, _arbitrary), src)",
                 "    return values, unknown, copies, origins, view"]
        ns = dict(consts)
        exec(compile("\n".join(head + body + tail) + "\n", "<after plan>", "exec"), ns)  # noqa: S102 - our own text
        self.fill_fn = ns["fill"]
        values, unknown, copies, origins, view = self.fill_fn({}, {}, (after.values, after.unknown, after.copies, {},
                                                                       None), True)
        # names the state cannot reach keep their unknown bits' words; After.origins' order
        origins = {name: origins.get(name) or (mask, _origin_words(mask, [(c, _copy_words(model, c))
                                                                          for c in copies.get(name, ())],
                                                                   after.arbitrary.get(name, 0)))
                   for name, mask in unknown.items()}
        self.template = (values, unknown, copies, origins, view)

    def fill(self, values: Mapping[str, int], known: Mapping[str, int]) -> tuple:
        """``(values, unknown, copies, origins, view)`` of the state after entry for storage
        ``values``/``known`` before it (``known`` marking the set bits, as
        :meth:`Machine.storage` gives them): each copied run whose source bits are set filled
        in, each bit the text did not write taken from ``values`` (``unknown`` name -> mask,
        ``origins`` as :meth:`After.origins` gives them, ``view`` the :class:`HandlerView`
        or None when the plan was made without ``target_state``). Fresh dicts each call."""
        return self.fill_fn(values, known, self.template, False)


def _unset_part(model: Any, copy: Copy, unset: int) -> list[tuple[Copy, str]]:
    """The runs of ``copy`` whose source bits are ``unset`` (relative to the run), each a
    copy of its own with its words (as :meth:`After.origins` gives them)."""
    parts = [Copy(*part) for part in _restrict((copy,), unset << copy.lo)]
    return [(part, _copy_words(model, part)) for part in parts]


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
    """The outcome fields an exception entry's state gives (None where it gives none);
    ``iss_unknown``: the bits of ``iss`` the state leaves unknown (COND written UNKNOWN)."""

    ec: int | None
    il: int | None
    iss: int | None
    pc: int | None
    vector_offset: int | None
    vector: str | None
    iss_unknown: int


def handler_view(model: Any, after: After, *, target_state: str, el: int | None, mode: str | None,
                 source: tuple[str, int, int] | None = None) -> HandlerView:
    """Read the syndrome register the entry wrote (HSR for Hyp mode, else ESR_EL<el> in
    AArch64; none for other AArch32 modes) and the PC it branched to: the vector offset is
    the PC's low bits (when known), the vector the rest, named as the register it was copied
    from when it is that register's bits in place (``source``: that register's bits in the
    state before entry, ``(register, value, known)``, which the PC's known table bits must
    be), else as a number."""
    return _view(view_shape(model, target_state=target_state, el=el, mode=mode), model, after, source)


class ViewShape(NamedTuple):
    """What :func:`handler_view` looks at, for one target: the syndrome register's name and
    its EC, IL and ISS fields as ``(low, width)`` (None where it has none), the PC's width,
    the vector offset's bits and the table's."""

    syndrome: str | None
    fields: tuple
    target_state: str
    width: int
    offset_mask: int
    table_bits: int


def view_shape(model: Any, *, target_state: str, el: int | None, mode: str | None) -> ViewShape:
    """The :class:`ViewShape` of an entry to ``target_state`` at ``el`` in ``mode``."""
    aarch32 = target_state == "AArch32"
    syndrome = ("HSR" if mode == "Hyp" else None) if aarch32 else (f"ESR_EL{el}" if el is not None else None)
    fields: tuple = ()
    if syndrome is not None and syndrome in model.registers:
        have = model.registers[syndrome].fields
        fields = tuple((have[n].low, have[n].width) if n in have else None for n in ("EC", "IL", "ISS"))
    else:
        syndrome = None
    width = 32 if aarch32 else model.registers["_PC"].width
    offset_mask = OFFSET_MASK[target_state]
    return ViewShape(syndrome, fields, target_state, width, offset_mask, ((1 << width) - 1) & ~offset_mask)


def vector_source(copies: tuple[Copy, ...]) -> str | None:
    """The register the PC's copied bits (``copies``) all come from, each bit in its own
    place (``VBAR_EL1``), else None: the one register a vector can be named as."""
    if not copies:
        return None
    register = copies[0].register
    for c in copies:
        if c.register != register or c.register_lo != c.lo:
            return None
    return register


def _view(shape: ViewShape, model: Any, after: After,
          source: tuple[str, int, int] | None = None) -> HandlerView:
    """:func:`handler_view` for ``shape``. ``source``: ``(register, value, known)``, the
    state's bits of the register the PC's copied bits come from (:func:`vector_source`),
    as they were before entry (None: not known)."""
    values, unknown = after.values, after.unknown
    ec = il = iss = None
    iss_unknown = 0
    if shape.syndrome is not None and shape.syndrome in values:
        value = values[shape.syndrome]
        ec, il, iss = (None if f is None else (value >> f[0]) & ((1 << f[1]) - 1) for f in shape.fields)
        at = shape.fields[2]
        if at is not None:
            iss_unknown = (unknown.get(shape.syndrome, 0) >> at[0]) & ((1 << at[1]) - 1)
    pc = values.get("PC")
    vector_offset = vector = None
    if pc is not None:
        width, offset_mask, table_bits = shape.width, shape.offset_mask, shape.table_bits
        pc &= (1 << width) - 1  # the AArch32 PC is 32 bits (BranchTo zero-extends)
        mask = unknown.get("PC", 0) & ((1 << width) - 1)
        if not mask & offset_mask:
            vector_offset = pc & offset_mask
            copies = after.copies.get("PC", ())
            register = vector_source(copies)
            if not mask:
                table = f"0x{pc & table_bits:X}"
            elif register is not None and _is_register(pc, mask, table_bits, copies, register, source):
                table = register
            else:
                table = f"0x{pc & table_bits & ~mask:X} with bits {after.origins(model)['PC'][1]}"
            vector = f"{table} + 0x{vector_offset:X}"
    return HandlerView(ec, il, iss, pc, vector_offset, vector, iss_unknown)


def _is_register(pc: int, mask: int, table_bits: int, copies: tuple[Copy, ...], register: str,
                 source: tuple[str, int, int] | None) -> bool:
    """Whether the PC's table bits are ``register``'s, in place, in every state the run
    stands for: its unknown bits ``mask`` all copies of ``register``'s (``copies``, in
    place), and its other table bits the state's bits of ``register`` (``source``). A bit the
    run decided after copying it unset, or before (a class chosen for it), is known to the
    state: a run that asked first and its sibling both name the register."""
    copied = 0
    for c in copies:
        copied |= ((1 << c.width) - 1) << c.lo
    if copied != mask:  # (bits nothing set among them)
        return False
    rest = table_bits & ~mask
    if not rest:
        return True
    if source is None or source[0] != register:
        return False
    _name, value, known = source
    return known & rest == rest and (pc ^ value) & rest == 0
