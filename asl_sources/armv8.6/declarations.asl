// Declarations of names the Armv8.6 text uses but this transcription's closure does not
// define; not Arm text; no logic invented.
// Spec version: Armv8.6, Arm A-profile XML release v86A-2019-12.
// section: none (declarations only; every other file of this folder is one Arm ARM section)
//
// What is here, and why:
// - types and enumerations the transcribed text names but whose Arm definitions lie outside
//   the closure of the FP / Advanced SIMD checks and of exception entry;
// - the global _Dclone and the D[] getter, which the text reads;
// - bodyless declarations of implementation-provided and non-architectural functions that
//   the reference texts use but do not declare, which the machine layer supplies as
//   primitives (asl_interp/lib/primitives.py);
// - the exception-entry boundary: AArch64.TakeException, AArch32.EnterMode and
//   AArch32.EnterHypMode, declared with the reference's own signatures.
// The globals and bodyless declarations the reference texts print themselves (PSTATE, _PC,
// _R, SynchronizeContext(), Hint_Branch(), ...) are transcribed in their sections, not here.
// Registers (HSR, FPEXC, CPACR_EL1, ...) are not declared here: they are names of the
// register model (registers.toml). The ASL standard library (UInt, Zeros, ZeroExtend,
// Unreachable, ...) is not declared here either: it is the evaluator's primitives.
// --------------------------------------------------------------------------------------

// Register-layout type of the value CPACR[] returns: the machine model maps it to the
// CPACR_EL1 field layout (RegisterModel.types).
type CPACRType;

// The instruction sets CurrentInstrSet() returns (shared/functions/system in the Arm ARM).
enumeration InstrSet {InstrSet_A64, InstrSet_A32, InstrSet_T32};

// The copy of the D registers CheckAdvSIMDEnabled() makes for instruction pseudocode.
array bits(64) _Dclone[0..31];

// The AArch32 D registers (aarch32/functions/registers in the Arm ARM): implementation
// state, supplied by the machine layer.
bits(64) D[integer n];

// The encoding of the instruction being executed: supplied by the machine layer.
bits(32) ThisInstr();

// The implementation's choice for a CONSTRAINED UNPREDICTABLE case: supplied by the
// machine layer from its profile.
Constraint ConstrainUnpredictable(Unpredictable which);

// The syndrome of a trapped AArch32 System register access, used by the integer overload of
// AArch32.TakeHypTrapException(); its Arm definition is outside this closure.
ExceptionRecord AArch32.SystemAccessTrapSyndrome(bits(32) instr, integer ec);

// The exception-entry boundary. The reference text defines these three with full
// pseudocode; it is not run yet: the machine layer records the outcome (target Exception
// level, mode, exception, vector offset, syndrome class) when they are called.

AArch64.TakeException(bits(2) target_el, ExceptionRecord exception,
                      bits(64) preferred_exception_return, integer vect_offset);

AArch32.EnterMode(bits(5) target_mode, bits(32) preferred_exception_return, integer lr_offset,
                  integer vect_offset);

AArch32.EnterHypMode(ExceptionRecord exception, bits(32) preferred_exception_return,
                     integer vect_offset);
