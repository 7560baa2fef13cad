"""An emulator-style model of the AArch64 FP/SIMD enable check, for `asl-interp crosscheck`.

Written the way an emulator computes "which Exception level does this FP access trap to"
(one function over the relevant register fields, as QEMU's fp_exception_el does), for a
Non-secure AArch64 PE without VHE:

    asl-interp crosscheck 'CheckFPAdvSIMDEnabled64()' --model examples/models/qemu_fp.py:fp_exception_el \\
        --set SCR_EL3.NS=1 --set SCR_EL3.RW=1 --set HCR_EL2.RW=1 --set HCR_EL2.E2H=0 \\
        --set HCR_EL2.TGE=0 --set PSTATE.nRW=0

`fp_exception_el_buggy` has the classic slip: it treats CPACR_EL1.FPEN = 0b01 as "enabled",
forgetting that 0b01 still traps accesses from EL0.
"""

EC_FP_ACCESS = 0x07  # Advanced SIMD / floating-point access trap


def fp_exception_el(fields):
    """CPACR_EL1.FPEN (EL0/EL1), then CPTR_EL2.TFP (EL0-EL2), then CPTR_EL3.TFP."""
    el = fields["PSTATE.EL"]
    if el <= 1:
        fpen = fields["CPACR_EL1.FPEN"]
        if fpen in (0b00, 0b10) or (fpen == 0b01 and el == 0):
            return {"el": "EL1", "ec": EC_FP_ACCESS}
    if el <= 2 and fields["CPTR_EL2.TFP"] == 1:
        return {"el": "EL2", "ec": EC_FP_ACCESS}
    if fields["CPTR_EL3.TFP"] == 1:
        return {"el": "EL3", "ec": EC_FP_ACCESS}
    return "permitted"


def fp_exception_el_buggy(fields):
    """As fp_exception_el, but FPEN = 0b01 counts as enabled at EL0 too (the bug)."""
    el = fields["PSTATE.EL"]
    if el <= 1 and fields["CPACR_EL1.FPEN"] in (0b00, 0b10):
        return {"el": "EL1", "ec": EC_FP_ACCESS}
    if el <= 2 and fields["CPTR_EL2.TFP"] == 1:
        return {"el": "EL2", "ec": EC_FP_ACCESS}
    if fields["CPTR_EL3.TFP"] == 1:
        return {"el": "EL3", "ec": EC_FP_ACCESS}
    return "permitted"
