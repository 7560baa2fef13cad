"""Register states the scenario and command-line tests share, named after the machines the
spec questions are about. Each returns a flat ``{"REG.FIELD": value}`` mapping."""

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
