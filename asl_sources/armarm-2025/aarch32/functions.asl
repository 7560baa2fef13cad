// Arm ARM 2025 shared pseudocode: DDI 0487, chapter J1, a 2025 issue (letter not known).
// section: aarch32/functions (J1.2.3)
// Transcribed from the project's reference text (../shared/spec/armarm-2025-fp-checks.asl),
// keeping its tokens, line breaks, indentation and comments, in its order. That text's
// layout was reconstructed from a copy of the manual that had lost its line breaks: its
// "// provenance:", "// LAYOUT RECONSTRUCTED", "// RECONSTRUCTED: ..." and "UNVERIFIED"
// lines are kept here as comments, so every reconstructed line still says so.
// --------------------------------------------------------------------------------------

// provenance: J1.2.3.25
// LAYOUT RECONSTRUCTED
// CheckAdvSIMDEnabled()
// =====================

CheckAdvSIMDEnabled()

    fpexc_check = TRUE;
    advsimd = TRUE;

    AArch32.CheckAdvSIMDOrFPEnabled(fpexc_check, advsimd);
    // Return from CheckAdvSIMDOrFPEnabled() occurs only if Advanced SIMD access is permitted

    // Make temporary copy of D registers
    // _Dclone[] is used as input data for instruction pseudocode
    for i = 0 to 31
        _Dclone[i] = D[i];

    return;

// provenance: J1.2.3.26
// LAYOUT RECONSTRUCTED
// CheckAdvSIMDOrVFPEnabled()
// ==========================

CheckAdvSIMDOrVFPEnabled(boolean include_fpexc_check, boolean advsimd)
    AArch32.CheckAdvSIMDOrFPEnabled(include_fpexc_check, advsimd);
    // Return from CheckAdvSIMDOrFPEnabled() occurs only if VFP access is permitted
    return;

// provenance: J1.2.3.27
// LAYOUT RECONSTRUCTED
// CheckCryptoEnabled32()
// ======================

CheckCryptoEnabled32()
    CheckAdvSIMDEnabled();
    // Return from CheckAdvSIMDEnabled() occurs only if access is permitted
    return;

// provenance: J1.2.3.28
// LAYOUT RECONSTRUCTED
// CheckVFPEnabled()
// =================

CheckVFPEnabled(boolean include_fpexc_check)
    advsimd = FALSE;
    AArch32.CheckAdvSIMDOrFPEnabled(include_fpexc_check, advsimd);
    // Return from CheckAdvSIMDOrFPEnabled() occurs only if VFP access is permitted  // RECONSTRUCTED: words "is permitted" were displaced after the code block in the source
    return;
