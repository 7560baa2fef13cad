// Armv8.6 shared pseudocode: Arm A-profile XML release v86A-2019-12.
// section: aarch32/functions/system
// Transcribed from the project's reference text (../shared/spec/armv8.6-exception-entry.asl,
// itself taken from arch.asl as unpacked by mra_tools) keeping its text, line breaks,
// indentation and comments; only the reference's provenance and RESTORED lines are left out.
// The exception-entry reference names no sections: its definitions are placed where this
// transcription understands the Armv8.x Arm ARM's pseudocode library to have them (not
// checked against the v86A-2019-12 XML itself).
// --------------------------------------------------------------------------------------

// AArch32.WriteMode()
// ===================
// Function for dealing with writes to PSTATE.M from AArch32 state only.
// This ensures that PSTATE.EL and PSTATE.SP are always valid.

AArch32.WriteMode(bits(5) mode)
    (valid,el) = ELFromM32(mode);
    assert valid;
    PSTATE.M   = mode;
    PSTATE.EL  = el;
    PSTATE.nRW = '1';
    PSTATE.SP  = (if mode IN {M32_User,M32_System} then '0' else '1');
    return;
