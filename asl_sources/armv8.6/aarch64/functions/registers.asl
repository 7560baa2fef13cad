// Armv8.6 shared pseudocode: Arm A-profile XML release v86A-2019-12.
// section: aarch64/functions/registers
// Transcribed from the project's reference text (../shared/spec/armv8.6-exception-entry.asl,
// itself taken from arch.asl as unpacked by mra_tools) keeping its text, line breaks,
// indentation and comments; only the reference's provenance and RESTORED lines are left out.
// The exception-entry reference names no sections: its definitions are placed where this
// transcription understands the Armv8.x Arm ARM's pseudocode library to have them (not
// checked against the v86A-2019-12 XML itself).
// --------------------------------------------------------------------------------------

// AArch64.BranchAddr()
// ====================
// Return the virtual address with tag bits removed for storing to the program counter.

bits(64) AArch64.BranchAddr(bits(64) vaddress)
    assert !UsingAArch32();
    msbit = AddrTop(vaddress, TRUE, PSTATE.EL);
    if msbit == 63 then
        return vaddress;
    elsif (PSTATE.EL IN {EL0, EL1} || IsInHost()) && vaddress<msbit> == '1' then
        return SignExtend(vaddress<msbit:0>);
    else
        return ZeroExtend(vaddress<msbit:0>);
