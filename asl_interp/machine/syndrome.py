"""The syndrome in words: what ESR_ELx / HSR bits mean, for showing the state after entry.

In: a syndrome register's value (EC, IL, ISS as the text wrote them).
Out: :func:`describe`: the exception class named and the ISS split into its named fields.

Facts only, from the Arm ARM's descriptions of ESR_ELx and HSR (the Exception Class values
and the ISS encodings of the classes the transcribed text can report); nothing here decides an
outcome: the text computed the value, this only puts it into words. A class not listed is
shown by its number, and an ISS without a listed encoding as a number.
"""

from __future__ import annotations

from ..lib.values import bits_text_unknown

#: Exception Class values (ESR_ELx.EC; HSR.EC uses the same numbers for the classes it has).
EC_NAMES = {
    0x00: "Unknown reason",
    0x01: "WFI or WFE",
    0x03: "MCR or MRC access to CP15",
    0x04: "MCRR or MRRC access to CP15",
    0x05: "MCR or MRC access to CP14",
    0x06: "LDC or STC access to CP14",
    0x07: "access to SIMD or floating-point registers, trapped by CPACR, CPTR or HCPTR",
    0x08: "VMRS access trapped by HCR.TID0",
    0x09: "pointer authentication instruction trapped",
    0x0C: "MRRC access to CP14",
    0x0D: "Branch Target Exception",
    0x0E: "Illegal Execution state",
    0x11: "SVC in AArch32 state",
    0x12: "HVC in AArch32 state",
    0x13: "SMC in AArch32 state",
    0x15: "SVC in AArch64 state",
    0x16: "HVC in AArch64 state",
    0x17: "SMC in AArch64 state",
    0x18: "MSR, MRS or System instruction trapped",
    0x19: "access to SVE functionality trapped",
    0x1A: "ERET, ERETAA or ERETAB trapped (FEAT_NV)",
    0x1C: "pointer authentication failure",
    0x1D: "access to SME functionality trapped",
    0x20: "Instruction Abort from a lower Exception level",
    0x21: "Instruction Abort taken without a change in Exception level",
    0x22: "PC alignment fault",
    0x24: "Data Abort from a lower Exception level",
    0x25: "Data Abort taken without a change in Exception level",
    0x26: "SP alignment fault",
    0x28: "floating-point exception from AArch32",
    0x2C: "floating-point exception from AArch64",
    0x2F: "SError interrupt",
    0x30: "Breakpoint from a lower Exception level",
    0x31: "Breakpoint taken without a change in Exception level",
    0x32: "Software Step from a lower Exception level",
    0x33: "Software Step taken without a change in Exception level",
    0x34: "Watchpoint from a lower Exception level",
    0x35: "Watchpoint taken without a change in Exception level",
    0x38: "BKPT instruction in AArch32 state",
    0x3A: "Vector Catch in AArch32 state",
    0x3C: "BRK instruction in AArch64 state",
}

#: Exception Classes whose IL is 1 whatever the instruction's length (the Arm ARM's ESR_ELx.IL
#: and HSR.IL: "exceptions reported using EC value 0b000000", Illegal Execution state,
#: Instruction Aborts, PC and SP alignment faults, SErrors, and debug exceptions other than
#: BKPT/BRK; Data Aborts too when ISS.ISV, bit 24, is 0): there IL says nothing of the
#: instruction, a 16-bit T32 one included.
IL_FIXED = frozenset({0x00, 0x0E, 0x20, 0x21, 0x22, 0x26, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x3A})

#: HSR's ISS encodings where they differ from ESR_ELx's (traps from AArch32 state).
HSR_ISS_FIELDS = {
    0x07: (("CV", 24, 24), ("COND", 23, 20), ("TA", 5, 5), ("COPROC", 3, 0)),
}

#: ISS encodings by Exception Class: (field, high, low), most significant first.
ISS_FIELDS = {
    # Trapped access to SIMD or floating-point: CV and COND describe the condition of a
    # trapped AArch32 instruction (HSR adds TA, Advanced SIMD rather than VFP, and COPROC).
    0x07: (("CV", 24, 24), ("COND", 23, 20)),
    # Trapped access to SME: SMTC, the reason (0 access trap, 1 Streaming, 2 not Streaming...).
    0x1D: (("SMTC", 2, 0),),
}


def describe(ec: int, il: int | None, iss: int | None, register: str = "ESR_EL2", iss_unknown: int = 0) -> str:
    """``EC 0x07 (access to SIMD ...), IL 1 (32-bit instruction), ISS 0x1E0000A: CV 1, COND
    0xE, TA 0, COPROC 0xA`` (``register``: the syndrome register, HSR or an ESR_ELx;
    ``iss_unknown``: the ISS bits unknown to the handler, shown as ``?``: ``COND ?``)."""
    text = f"EC 0x{ec:02X} ({EC_NAMES.get(ec, 'an Exception Class this tool has no name for')})"
    if il is not None:
        if il and ec in IL_FIXED:
            meaning = "not the instruction's length: always 1 for this exception class"
        elif il and ec in (0x24, 0x25) and iss is not None and not iss >> 24 & 1:
            meaning = "not the instruction's length: always 1 when ISV is 0"
        else:
            meaning = f"{32 if il else 16}-bit instruction"
        text += f", IL {il} ({meaning})"
    if iss is not None:
        text += f", ISS {iss_text(iss, iss_unknown)}"
        fields = (HSR_ISS_FIELDS.get(ec) if register == "HSR" else None) or ISS_FIELDS.get(ec)
        if fields:
            text += ": " + ", ".join(f"{name} {_value(iss, iss_unknown, high, low)}" for name, high, low in fields)
    return text


def iss_text(iss: int, unknown: int = 0) -> str:
    """An ISS (25 bits) in hex, ``0x1E00000``; a ``?`` for each digit holding ``unknown`` bits
    (``0x0?00000``: COND written UNKNOWN)."""
    return bits_text_unknown(iss, unknown, 25) if unknown else f"0x{iss:07X}"


def _value(iss: int, unknown: int, high: int, low: int) -> str:
    """Bits ``high:low`` of ``iss``: a number, ``?`` where all are ``unknown``."""
    width = high - low + 1
    v, u = (iss >> low) & ((1 << width) - 1), (unknown >> low) & ((1 << width) - 1)
    if u:
        return "?" if u == (1 << width) - 1 else bits_text_unknown(v, u, width)
    return str(v) if width == 1 else f"0x{v:X}"
