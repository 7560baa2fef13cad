// register: SPSR_hyp 32 M=4:0
// register: ELR_hyp 32
// A write to a register-shaped name the model lacks is an error, never a new local.
AArch32.EnterHypMode(bits(32) spsr, bits(32) preferred_exception_return)
    SPSR_hpy = spsr;
    ELR_Hyp = preferred_exception_return;
    disabled = TRUE;
