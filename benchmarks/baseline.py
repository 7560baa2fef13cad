"""The hand-written baseline of the run benchmark: the FP/SIMD enable decision as an
emulator author writes it.

In: a flat dict of register field values (ints), for the ``default`` profile's machine:
Armv8.0, EL3 and EL2 implemented and using AArch64, EL1/EL0 able to use AArch32, no VHE, no
Secure EL2, no SVE, CPACR.cp10 == '10' behaving as "disabled", FPEXC.EN read as 1 when
TGE == 1 and HCR_EL2.RW == 0.
Out: what the check does, as a tuple ``(kind, target_el, target_state, mode, exception, ec,
il, iss, vector_offset)`` (the same shape as ``outcome_key`` of ``tests/states.py`` of an Outcome):
where the exception goes, its syndrome (EC, IL, ISS: the instruction is a 32-bit one, its
condition AL, as the ``default`` profile's [instruction] says) and the offset in the vector
table that exception entry adds (AArch64: 0x0/0x200 from the same EL on SP_EL0/SP_ELx,
0x400/0x600 from a lower EL using AArch64/AArch32; AArch32 Undefined mode: 0x04).

One function per question, a chain of ``if``s over the fields with the profile's fixed
answers folded in, the way QEMU's ``fp_exception_el`` is written: no interpretation, no
records, no World. The run benchmark checks that it agrees with the evaluator on every state
it uses, and measures how far the interpreter is from this.
"""

from __future__ import annotations

from typing import Any

RETURNED = ("returned", None, None, None, None, None, None, None, None)
#: ISS of a trapped FP/SIMD access: CV = 1, COND = AL (0xE)
ISS_COND_AL = 0x1E00000


def _el_of(el: str) -> int:
    return int(el[2])


def fields_of(state: dict[str, Any]) -> dict[str, int]:
    """The flat field dict the baseline reads, from a benchmark state (see
    ``consistent_states`` of ``tests/states.py``)."""
    scr, hcr = state["SCR_EL3"], state["HCR_EL2"]
    cpacr, cptr2, cptr3 = state["CPACR_EL1"], state["CPTR_EL2"], state["CPTR_EL3"]
    return {
        "EL": _el_of(state["PSTATE.EL"]),
        "nRW": state["PSTATE.nRW"],
        "SCR_EL3.NS": scr & 1,
        "SCR_EL3.RW": (scr >> 10) & 1,
        "HCR_EL2.RW": (hcr >> 31) & 1,
        "HCR_EL2.TGE": (hcr >> 27) & 1,
        "CPACR_EL1.FPEN": (cpacr >> 20) & 3,
        "CPACR.ASEDIS": (cpacr >> 31) & 1,
        "CPTR_EL2.TFP": (cptr2 >> 10) & 1,
        "CPTR_EL3.TFP": (cptr3 >> 10) & 1,
        "FPEXC.EN": (state["FPEXC32_EL2"] >> 30) & 1,
        "SP": state.get("PSTATE.SP", 0),
    }


def _el_aarch32(f: dict[str, int], el: int) -> bool:
    """Whether Exception level ``el`` (0 or 1) uses AArch32 (EL2 and EL3 never do here)."""
    if el == 1 or _el1_aarch32(f):
        return _el1_aarch32(f)
    return f["EL"] == 0 and f["nRW"] == 1


def _aarch64_exception(f: dict[str, int], target: int, ec: int) -> tuple:
    """An exception taken to AArch64 ``target``: its syndrome and vector offset."""
    el = f["EL"]
    if target > el:
        if target == 3:
            lower_32 = False if f["SCR_EL3.NS"] == 1 else _el_aarch32(f, 1)
        else:
            lower_32 = _el_aarch32(f, target - 1)
        offset = 0x600 if lower_32 else 0x400
    else:
        offset = 0x200 if f["SP"] else 0x0
    return ("exception", f"EL{target}", "AArch64", None,
            "Exception_AdvSIMDFPAccessTrap" if ec == 7 else "Exception_Uncategorized", ec, 1,
            ISS_COND_AL if ec == 7 else 0, offset)


def fp_access_64(f: dict[str, int]) -> tuple:
    """``CheckFPAdvSIMDEnabled64()``: an FP/SIMD instruction in AArch64 (or the AArch64
    checks an AArch32 EL0 falls into)."""
    el = f["EL"]
    el2_enabled = f["SCR_EL3.NS"] == 1
    tge = el2_enabled and f["HCR_EL2.TGE"] == 1
    if el <= 1:
        fpen = f["CPACR_EL1.FPEN"]
        if fpen & 1 == 0 or (fpen == 1 and el == 0):
            return _aarch64_exception(f, 2, 0) if tge else _aarch64_exception(f, 1, 7)
    if el <= 2 and el2_enabled and f["CPTR_EL2.TFP"]:
        return _aarch64_exception(f, 2, 7)
    if f["CPTR_EL3.TFP"]:
        return _aarch64_exception(f, 3, 7)
    return RETURNED


def _el1_aarch32(f: dict[str, int]) -> bool:
    return f["SCR_EL3.RW"] == 0 or (f["SCR_EL3.NS"] == 1 and f["HCR_EL2.RW"] == 0)


def _undefined(f: dict[str, int]) -> tuple:
    el = f["EL"]
    el2_enabled = f["SCR_EL3.NS"] == 1
    tge = el2_enabled and f["HCR_EL2.TGE"] == 1
    if f["nRW"]:
        # AArch32: general exceptions go to AArch64 from an EL0 under an AArch64 EL1, or with TGE
        if not (el == 0 and not _el1_aarch32(f)) and not tge:
            return ("exception", "EL1", "AArch32", "Undef", None, None, None, None, 0x04)
    if el > 1:
        return _aarch64_exception(f, el, 0)
    if el == 0 and tge:
        return _aarch64_exception(f, 2, 0)
    return _aarch64_exception(f, 1, 0)


def vfp_access_32(f: dict[str, int], fpexc_check: bool = True) -> tuple:
    """``CheckVFPEnabled(fpexc_check)``: a VFP instruction in AArch32."""
    el = f["EL"]
    el2_enabled = f["SCR_EL3.NS"] == 1
    el1_aarch32 = _el1_aarch32(f)
    if el == 0 and not el1_aarch32 and f["HCR_EL2.TGE"] == 0:
        return fp_access_64(f)
    if el == 0 and not el1_aarch32 and f["HCR_EL2.TGE"] == 1:
        # FPEXC.EN reads as 1 here in this implementation
        return fp_access_64(f)
    if el != 2:
        cp10 = f["CPACR_EL1.FPEN"]
        if cp10 == 0 or cp10 == 2 or (cp10 == 1 and el == 0):
            return _undefined(f)
    if fpexc_check and f["FPEXC.EN"] == 0:
        return _undefined(f)
    if el2_enabled and el <= 2 and f["CPTR_EL2.TFP"]:
        return _aarch64_exception(f, 2, 7)
    if f["CPTR_EL3.TFP"]:
        return _aarch64_exception(f, 3, 7)
    return RETURNED
