// Arm ARM 2025 shared pseudocode: DDI 0487, chapter J1, a 2025 issue (letter not known).
// section: aarch64/wrappers (none known: the reference's "NOT FOUND" block)
// Transcribed from the project's reference text (../shared/spec/armarm-2025-fp-checks.asl),
// keeping its tokens, line breaks, indentation and comments. These two A64 instruction
// wrappers were not in the copy of the manual; the reference infers their bodies from the
// Armv8.6 wrapper and marks every line RECONSTRUCTED (UNVERIFIED), as kept below.
// --------------------------------------------------------------------------------------

// The wrappers below are called by every recent A64 SIMD&FP instruction's pseudocode (for
// example FCVT calls CheckFPEnabled64(), UZP1 calls CheckFPAdvSIMDEnabled64()), but their
// definitions were not in the copy of chapter J1 used here. The bodies are inferred from the
// Armv8.6 definition of CheckFPAdvSIMDEnabled64 (armv8.6-fp-checks.asl).

// CheckFPAdvSIMDEnabled64()                   // RECONSTRUCTED (UNVERIFIED, not found in source)
// =========================                   // RECONSTRUCTED (UNVERIFIED)
// AArch64 instruction wrapper                 // RECONSTRUCTED (UNVERIFIED)

CheckFPAdvSIMDEnabled64()                      // RECONSTRUCTED (UNVERIFIED)
    AArch64.CheckFPAdvSIMDEnabled();           // RECONSTRUCTED (UNVERIFIED)

// CheckFPEnabled64()                          // RECONSTRUCTED (UNVERIFIED, not found in source)
// ==================                          // RECONSTRUCTED (UNVERIFIED)
// AArch64 instruction wrapper                 // RECONSTRUCTED (UNVERIFIED)

CheckFPEnabled64()                             // RECONSTRUCTED (UNVERIFIED)
    AArch64.CheckFPEnabled();                  // RECONSTRUCTED (UNVERIFIED)
