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
//   primitives (asl_interp/lib/primitives.py).
// The globals and bodyless declarations the reference texts print themselves (PSTATE, _PC,
// _R, SynchronizeContext(), Hint_Branch(), ...) are transcribed in their sections, not here.
// Registers (HSR, FPEXC, CPACR_EL1, ...) are not declared here: they are names of the
// register model (registers.toml). The ASL standard library (UInt, Zeros, ZeroExtend,
// Unreachable, ...) is not declared here either: it is asl-interp's primitives.
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
