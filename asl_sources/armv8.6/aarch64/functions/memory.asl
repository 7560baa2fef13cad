// Armv8.6 shared pseudocode: Arm A-profile XML release v86A-2019-12.
// section: aarch64/functions/memory
// Transcribed from the project's reference text (../shared/spec/armv8.6-exception-entry.asl,
// itself taken from arch.asl as unpacked by mra_tools) keeping its text, line breaks,
// indentation and comments; only the reference's provenance and RESTORED lines are left out.
// The exception-entry reference names no sections: its definitions are placed where this
// transcription understands the Armv8.x Arm ARM's pseudocode library to have them (not
// checked against the v86A-2019-12 XML itself).
// AddrTop() is placed in aarch64/functions/memory (where the Armv8.x library has it beside
// the other virtual-address helpers) as a best guess: later releases moved it to
// aarch64/translation.
// --------------------------------------------------------------------------------------

// AddrTop()
// =========
// Return the MSB number of a virtual address in the stage 1 translation regime for "el".
// If EL1 is using AArch64 then addresses from EL0 using AArch32 are zero-extended to 64 bits.

integer AddrTop(bits(64) address, boolean IsInstr, bits(2) el)
    assert HaveEL(el);
    regime = S1TranslationRegime(el);
    if ELUsingAArch32(regime) then
        // AArch32 translation regime.
        return 31;
    else
        // AArch64 translation regime.
        case regime of
            when EL1
                tbi = (if address<55> == '1' then TCR_EL1.TBI1 else TCR_EL1.TBI0);
                if HavePACExt() then
                    tbid = if address<55> == '1' then TCR_EL1.TBID1 else TCR_EL1.TBID0;
            when EL2
                if HaveVirtHostExt() && ELIsInHost(el) then
                    tbi = (if address<55> == '1' then TCR_EL2.TBI1 else TCR_EL2.TBI0);
                    if HavePACExt() then
                        tbid = if address<55> == '1' then TCR_EL2.TBID1 else TCR_EL2.TBID0;
                else
                    tbi = TCR_EL2.TBI;
                    if HavePACExt() then tbid = TCR_EL2.TBID;
            when EL3
                tbi = TCR_EL3.TBI;
                if HavePACExt() then tbid = TCR_EL3.TBID;

    return (if tbi == '1' && (!HavePACExt() || tbid == '0' || !IsInstr ) then 55 else 63);
