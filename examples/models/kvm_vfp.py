"""How a hypervisor author might model an AArch32 guest's VFP access, for `asl-interp crosscheck`.

The setting (fix it with --set): a Non-secure AArch32 guest at EL1 under an AArch64 hypervisor
(HCR_EL2.RW = 0, TGE = 0, E2H = 0), CP10/CP11 enabled in the guest's CPACR, EL3 not trapping.

    asl-interp crosscheck 'CheckVFPEnabled(TRUE)' --model examples/models/kvm_vfp.py:naive \\
        --set SCR_EL3.NS=1 --set SCR_EL3.RW=1 --set HCR_EL2.RW=0 --set HCR_EL2.TGE=0 \\
        --set HCR_EL2.E2H=0 --set PSTATE.EL=EL1 --set PSTATE.nRW=1 --set PSTATE.M=M32_Svc \\
        --set CPACR.cp10=0b11 --set CPTR_EL3.TFP=0 --set PSTATE.T=0

A model takes the fields it cares about from the mapping it is given and returns
"permitted" or the exception it expects (see asl_interp/analysis/crosscheck.py).
"""

#: The exception class of an Advanced SIMD / floating-point access trap (ESR_ELx.EC).
EC_FP_ACCESS = 0x07


def naive(fields):
    """The assumption in DEVELOPERS: "with CPTR_EL2.TFP=1, an AArch32 guest's VFP access
    traps to EL2". It forgets the guest's own FPEXC.EN, which the spec checks first."""
    if fields["CPTR_EL2.TFP"] == 1:
        return {"el": "EL2", "ec": EC_FP_ACCESS}
    return "permitted"


def corrected(fields):
    """The spec's order: with FPEXC.EN = 0 the instruction is UNDEFINED and taken to the
    guest's own Undefined mode at EL1; only with FPEXC.EN = 1 does CPTR_EL2.TFP trap to EL2."""
    if fields["FPEXC.EN"] == 0:
        return {"el": "EL1", "mode": "Undef", "undefined": True}
    if fields["CPTR_EL2.TFP"] == 1:
        return {"el": "EL2", "state": "AArch64", "ec": EC_FP_ACCESS}
    return "permitted"


#: The syndrome KVM's EL2 handler reads for the trap: EC 0x07, IL 1 (a 32-bit instruction),
#: ISS CV = 1, COND = AL (0xE) - what the guest's A32 VFP instruction reports.
ESR_FP_TRAP = (EC_FP_ACCESS << 26) | (1 << 25) | (1 << 24) | (0xE << 20)


def handler(fields):
    """What the hypervisor's handler sees: the trap from the AArch32 guest arrives at EL2's
    "lower EL using AArch32" vector (VBAR_EL2 + 0x600) with the syndrome above; the
    guest's own Undefined Instruction exception at its vector base + 0x04."""
    if fields["FPEXC.EN"] == 0:
        return {"el": "EL1", "mode": "Undef", "vector_offset": 0x04}
    if fields["CPTR_EL2.TFP"] == 1:
        return {"el": "EL2", "esr": ESR_FP_TRAP, "vector_offset": 0x600}
    return "permitted"


def handler_wrong_vector(fields):
    """The same, with a classic slip: the trap taken at the "lower EL using AArch64" vector
    (VBAR_EL2 + 0x400), as for a 64-bit guest."""
    out = handler(fields)
    if isinstance(out, dict) and out.get("vector_offset") == 0x600:
        return {**out, "vector_offset": 0x400}
    return out
