"""Register states the tests share (and the benchmarks, which import them from here; tests
never import from ``benchmarks/``).

In: nothing (a seed for :func:`consistent_states`). Out: flat ``{"REG.FIELD": value}``
mappings, named after the machines the spec questions are about, and :func:`outcome_key`,
what a run decided as a tuple for comparisons."""

from __future__ import annotations

import random
from typing import Any

#: Non-secure, EL2 enabled and in AArch64, no TGE, no VHE layout, EL3 not trapping FP.
NONSECURE = {"SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0, "CPTR_EL3.TFP": 0}


def aarch32_guest(el="EL1", en=0, tfp=1, **more):
    """A Non-secure AArch32 guest under an AArch64 hypervisor (HCR_EL2.RW=0), at EL1 in
    Supervisor mode or at EL0 in User mode, CPACR fully enabling CP10/CP11."""
    mode = {"EL1": "M32_Svc", "EL0": "M32_User"}[el]
    state = {**NONSECURE, "HCR_EL2.RW": 0, "PSTATE.EL": el, "PSTATE.nRW": 1, "PSTATE.M": mode, "PSTATE.T": 0,
             "CPACR.cp10": "'11'", "CPACR.ASEDIS": 0, "FPEXC32_EL2.EN": en, "CPTR_EL2.TFP": tfp}
    state.update(more)
    return state


#: A kernel's EL1 vector table (2KB aligned, in the upper VA range: bit 55 set, which
#: AArch64 exception entry to EL1 examines to pick TCR_EL1.TBI1).
VBAR_EL1 = 0xFFFF_8000_1001_0800
#: A hypervisor's EL2 vector table (upper range too: with HCR_EL2.E2H=1 entry to EL2 examines
#: bit 55 as it does for EL1).
VBAR_EL2 = 0xFFFF_8000_1180_0000


def aarch64(el="EL1", fpen="'11'", tfp=0, **more):
    """A Non-secure AArch64 PE (HCR_EL2.RW=1: EL1 in AArch64) at ``el``, on SP_ELx at EL1 and
    above (PSTATE.SP, which picks the vector offset of an exception taken to the same EL),
    with the EL1 and EL2 vector bases set (VBAR_EL3 is left unset: entry to EL3 only copies
    it into the PC)."""
    state = {**NONSECURE, "HCR_EL2.RW": 1, "PSTATE.EL": el, "PSTATE.nRW": 0, "CPACR_EL1.FPEN": fpen,
             "CPTR_EL2.TFP": tfp, "PSTATE.SP": 0 if el == "EL0" else 1, "VBAR_EL1": VBAR_EL1,
             "VBAR_EL2": VBAR_EL2,
             # PSTATE.PAN left alone on entry (FEAT_PAN profiles examine SPAN)
             "SCTLR_EL1.SPAN": 1, "SCTLR_EL2.SPAN": 1}
    state.update(more)
    return state


EL_NAMES = ("EL0", "EL1", "EL2", "EL3")
#: Vector base addresses for the states: kernel-style high addresses and low ones, 2KB aligned.
VECTOR_BASES = (0xFFFF_8000_1001_0800, 0x0000_0000_4008_0000, 0xFFFF_0000_0000_0000, 0x0000_0000_0000_F800)


def consistent_states(n: int, seed: int = 8) -> list[dict[str, Any]]:
    """``n`` register states for the ``default`` profile (Armv8.0, EL3 and EL2 in AArch64,
    EL1/EL0 able to use AArch32), generated deterministically from ``seed``.

    Consistent means: PSTATE.EL, PSTATE.nRW and PSTATE.M agree with SCR_EL3.NS/RW and
    HCR_EL2.RW (an AArch32 EL1 only where the controls allow it; EL0 in AArch32 or AArch64
    as EL1 allows; EL2 only Non-secure; EL2 and EL3 in AArch64), HCR_EL2.TGE is set only
    where EL1 is not running, and E2H is 0 (no VHE in Armv8.0). The trap controls (CPACR_EL1,
    CPTR_EL2, CPTR_EL3, FPEXC32_EL2, NSACR) take random values in the fields the checks read.
    What exception entry then examines is set too: PSTATE.SP in AArch64 state and the vector
    bases (VBAR_EL1..3, whose low halves are VBAR and HVBAR; MVBAR), 2KB-aligned.
    """
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        el = rng.choice(EL_NAMES)
        ns = rng.randint(0, 1)
        scr_rw = rng.randint(0, 1)
        hcr_rw = rng.randint(0, 1)
        if el == "EL2":
            ns, scr_rw = 1, 1
        el1_aarch32 = scr_rw == 0 or (ns == 1 and hcr_rw == 0)
        if el in ("EL2", "EL3"):
            nrw = 0
        elif el == "EL1":
            nrw = 1 if el1_aarch32 else 0
        else:
            nrw = 1 if el1_aarch32 else rng.randint(0, 1)
        tge = 0 if el == "EL1" or ns == 0 else rng.randint(0, 1)
        if tge and el == "EL0":
            # with TGE set, EL0 runs under EL2's control: AArch64 EL2 means an AArch64 host
            nrw = rng.randint(0, 1) if not el1_aarch32 else nrw
        state: dict[str, Any] = {
            "PSTATE.EL": el,
            "PSTATE.nRW": nrw,
            "PSTATE.T": 0,
            "SCR_EL3": (scr_rw << 10) | ns,
            "HCR_EL2": (hcr_rw << 31) | (tge << 27),
            "CPACR_EL1": (rng.randint(0, 1) << 31) | (rng.randint(0, 3) << 20) | (rng.randint(0, 3) << 16),
            "CPTR_EL2": (rng.randint(0, 1) << 31) | (rng.randint(0, 1) << 15) | (rng.randint(0, 1) << 10)
                        | (rng.randint(0, 1) << 8),
            "CPTR_EL3": (rng.randint(0, 1) << 31) | (rng.randint(0, 1) << 10) | (rng.randint(0, 1) << 8),
            "FPEXC32_EL2": rng.randint(0, 1) << 30,
            "NSACR": (rng.randint(0, 1) << 15) | (rng.randint(0, 1) << 10),
        }
        if nrw:
            state["PSTATE.M"] = "M32_User" if el == "EL0" else "M32_Svc"
        else:
            state["PSTATE.SP"] = 0 if el == "EL0" else rng.randint(0, 1)
        for name in ("VBAR_EL1", "VBAR_EL2", "VBAR_EL3"):
            state[name] = rng.choice(VECTOR_BASES)
        state["MVBAR"] = rng.choice(VECTOR_BASES) & 0xFFFF_FFFF
        out.append(state)
    return out


def outcome_key(out: Any) -> tuple:
    """What a run decided, for comparisons: kind, target EL, state, mode, exception, EC, IL,
    ISS and the vector offset."""
    return (out.kind, out.target_el, out.target_state, out.mode, out.exception, out.ec, out.il, out.iss,
            out.vector_offset)


SVE_OK = {"CPACR_EL1.ZEN": "'11'", "CPTR_EL2.TZ": 0, "CPTR_EL3.EZ": 1}

#: The scenarios of test_scenarios.py (asked through the API) and test_cli_run.py (through the
#: command line): ``(call, profile, state, expected)``, expected as ``(kind, target_el,
#: target_state, mode, exception, ec, via_undefined)``.
SCENARIOS = [
    ("CheckFPAdvSIMDEnabled64()", "default", aarch64("EL1"), ("returned", None, None, None, None, None, False)),
    ("CheckFPAdvSIMDEnabled64()", "default", aarch64("EL1", fpen="'00'"),
     ("exception", "EL1", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckFPAdvSIMDEnabled64()", "default", aarch64("EL0", fpen="'01'"),
     ("exception", "EL1", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckFPAdvSIMDEnabled64()", "default", aarch64("EL1", tfp=1),
     ("exception", "EL2", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckFPAdvSIMDEnabled64()", "default", aarch64("EL1", **{"CPTR_EL3.TFP": 1}),
     ("exception", "EL3", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckFPAdvSIMDEnabled64()", "default", aarch64("EL0", fpen="'10'", **{"HCR_EL2.TGE": 1}),
     ("exception", "EL2", "AArch64", None, "Exception_Uncategorized", 0x00, False)),
    ("CheckSVEEnabled()", "default", aarch64("EL1", **SVE_OK), ("returned", None, None, None, None, None, False)),
    ("CheckSVEEnabled()", "default", aarch64("EL1", **{**SVE_OK, "CPACR_EL1.ZEN": "'00'"}),
     ("exception", "EL1", "AArch64", None, "Exception_SVEAccessTrap", 0x19, False)),
    ("CheckSVEEnabled()", "default", aarch64("EL1", fpen="'00'", **SVE_OK),
     ("exception", "EL1", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckSVEEnabled()", "default", aarch64("EL1", **{**SVE_OK, "CPTR_EL2.TZ": 1}),
     ("exception", "EL2", "AArch64", None, "Exception_SVEAccessTrap", 0x19, False)),
    ("CheckSVEEnabled()", "default", aarch64("EL1", tfp=1, **SVE_OK),
     ("exception", "EL2", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckSVEEnabled()", "default", aarch64("EL1", **{**SVE_OK, "CPTR_EL3.EZ": 0}),
     ("exception", "EL3", "AArch64", None, "Exception_SVEAccessTrap", 0x19, False)),
    ("CheckSVEEnabled()", "default", aarch64("EL1", **{**SVE_OK, "CPTR_EL3.TFP": 1}),
     ("exception", "EL3", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckSVEEnabled()", "default", aarch64("EL0", **{**SVE_OK, "CPACR_EL1.ZEN": "'01'", "HCR_EL2.TGE": 1}),
     ("exception", "EL2", "AArch64", None, "Exception_SVEAccessTrap", 0x19, False)),
    ("CheckSVEEnabled()", "v8.1-vhe", aarch64("EL2", **{**SVE_OK, "HCR_EL2.E2H": 1, "CPTR_EL2.ZEN": "'00'", "CPTR_EL2.FPEN": "'11'"}),
     ("exception", "EL2", "AArch64", None, "Exception_SVEAccessTrap", 0x19, False)),
    ("CheckSVEEnabled()", "v8.1-vhe", aarch64("EL2", **{**SVE_OK, "HCR_EL2.E2H": 1, "CPTR_EL2.ZEN": "'11'", "CPTR_EL2.FPEN": "'10'"}),
     ("exception", "EL2", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckVFPEnabled(TRUE)", "default", aarch32_guest(en=1, tfp=0), ("returned", None, None, None, None, None, False)),
    ("CheckVFPEnabled(FALSE)", "default", aarch32_guest(en=0, tfp=0), ("returned", None, None, None, None, None, False)),
    ("CheckVFPEnabled(FALSE)", "default", aarch32_guest(en=0, tfp=1),
     ("exception", "EL2", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckVFPEnabled(TRUE)", "default", aarch32_guest(**{"CPACR.cp10": "'00'"}),
     ("exception", "EL1", "AArch32", "Undef", None, None, True)),
    ("CheckVFPEnabled(TRUE)", "default", aarch32_guest("EL0", en=1, **{"CPACR.cp10": "'01'"}),
     ("exception", "EL1", "AArch32", "Undef", None, None, True)),
    ("CheckVFPEnabled(TRUE)", "default", aarch32_guest(en=1, **{"CPACR.cp10": "'10'"}),
     ("exception", "EL1", "AArch32", "Undef", None, None, True)),
    ("CheckAdvSIMDEnabled()", "default", aarch32_guest(en=1, tfp=0), ("returned", None, None, None, None, None, False)),
    ("CheckAdvSIMDEnabled()", "default", aarch32_guest(en=1, tfp=0, **{"CPACR.ASEDIS": 1}),
     ("exception", "EL1", "AArch32", "Undef", None, None, True)),
    ("CheckAdvSIMDEnabled()", "default", aarch32_guest(en=1, tfp=1),
     ("exception", "EL2", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckAdvSIMDOrVFPEnabled(TRUE, TRUE)", "default", aarch32_guest(en=1, tfp=0), ("returned", None, None, None, None, None, False)),
    ("CheckAdvSIMDOrVFPEnabled(TRUE, TRUE)", "default", aarch32_guest(en=0),
     ("exception", "EL1", "AArch32", "Undef", None, None, True)),
    ("CheckAdvSIMDOrVFPEnabled(TRUE, TRUE)", "default", aarch32_guest(en=1),
     ("exception", "EL2", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    ("CheckCryptoEnabled32()", "default", aarch32_guest(en=1, tfp=0), ("returned", None, None, None, None, None, False)),
    ("CheckCryptoEnabled32()", "default", aarch32_guest(en=0, tfp=0),
     ("exception", "EL1", "AArch32", "Undef", None, None, True)),
    ("CheckCryptoEnabled32()", "default", aarch32_guest(en=1, tfp=1),
     ("exception", "EL2", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 0x07, False)),
    # AArch32 EL0 under an AArch64 EL1 with TGE: "the PE behaves as if FPEXC.EN is 1" and the
    # AArch64 checks run; the CPACR_EL1 trap is routed to EL2 as Uncategorized.
    ("CheckVFPEnabled(TRUE)", "default",
     aarch64("EL0", fpen="'00'", **{"PSTATE.nRW": 1, "PSTATE.M": "M32_User", "PSTATE.T": 0, "HCR_EL2.TGE": 1, "FPEXC32_EL2.EN": 0}),
     ("exception", "EL2", "AArch64", None, "Exception_Uncategorized", 0x00, False)),
]
