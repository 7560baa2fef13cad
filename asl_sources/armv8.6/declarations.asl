// Declarations of names the Armv8.6 text uses but this transcription's closure does not
// define; not Arm text; no logic invented.
// Spec version: Armv8.6, Arm A-profile XML release v86A-2019-12.
// section: none (declarations only; every other file of this folder is one Arm ARM section)
//
// What is here, and why:
// - types and enumerations the transcribed text names but whose Arm definitions lie outside
//   the closure of the FP / Advanced SIMD checks;
// - the globals the text reads (PSTATE, _PC, _Dclone) and the D[] getter;
// - bodyless declarations of implementation-provided and non-architectural functions, which
//   the machine layer supplies as primitives (asl_interp/primitives.py);
// - the exception-entry boundary: AArch64.TakeException, AArch32.EnterMode and
//   AArch32.EnterHypMode, declared with the reference's own signatures.
// Registers (HSR, FPEXC, CPACR_EL1, ...) are not declared here: they are names of the
// register model (registers.toml). The ASL standard library (UInt, Zeros, ZeroExtend,
// Unreachable, ...) is not declared here either: it is the evaluator's primitives.
// --------------------------------------------------------------------------------------

// Register-layout type of the value SCR_GEN[] returns: the machine model maps it to the
// SCR_EL3 field layout (RegisterModel.types).
type SCRType;

// Register-layout type of the value CPACR[] returns: the machine model maps it to the
// CPACR_EL1 field layout (RegisterModel.types).
type CPACRType;

// The instruction sets CurrentInstrSet() returns (shared/functions/system in the Arm ARM).
enumeration InstrSet {InstrSet_A64, InstrSet_A32, InstrSet_T32};

// CONSTRAINED UNPREDICTABLE cases, as ConstrainUnpredictable() identifies its call site
// (shared/functions/unpredictable). Only the members the transcribed text uses are listed;
// the Arm enumeration has many more.
enumeration Unpredictable {Unpredictable_RESCPACR,        // Reserved CPACR/CPACR_EL1 cp10 value
                           Unpredictable_ESRCONDPASS};    // Syndrome for a known-passing conditional A32 instruction

// The results ConstrainUnpredictable() may give (shared/functions/unpredictable). All fifteen
// members, in this order, were confirmed against public translations of the Armv8.x
// arch.asl (Sail/C/Lean renderings of the same enumeration); only Constraint_TRUE and
// Constraint_FALSE are used by the transcribed text.
enumeration Constraint {Constraint_NONE, Constraint_UNKNOWN, Constraint_UNDEF,
                        Constraint_UNDEFEL0, Constraint_NOP, Constraint_TRUE,
                        Constraint_FALSE, Constraint_DISABLED, Constraint_UNCOND,
                        Constraint_COND, Constraint_ADDITIONAL_DECODE, Constraint_WBSUPPRESS,
                        Constraint_FAULT, Constraint_FORCE, Constraint_FORCENOSLCHECK};

// The kinds of branch BranchTo() reports (shared/functions/registers); members as in the
// Armv8.5/8.6 arch.asl. The exception-entry functions pass BranchType_EXCEPTION.
enumeration BranchType {BranchType_DIRCALL, BranchType_INDCALL, BranchType_ERET,
                        BranchType_DBGEXIT, BranchType_RET, BranchType_DIR,
                        BranchType_INDIR, BranchType_EXCEPTION, BranchType_RESET,
                        BranchType_UNKNOWN};

// Architecture versions HasArchVersion() is asked about (shared/functions/extension).
enumeration ArchVersion {ARMv8p0, ARMv8p1, ARMv8p2, ARMv8p3, ARMv8p4, ARMv8p5, ARMv8p6};

// The current process state (its record type ProcState is in shared/functions/system).
// The machine model holds its value: every access is a register-model access.
ProcState PSTATE;

// The program counter ThisInstrAddr() reads (shared/functions/registers in the Arm ARM).
bits(64) _PC;

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

// Context synchronization: a non-architectural effect the machine layer records.
SynchronizeContext();

// A branch to 'target': a non-architectural effect the machine layer records.
BranchTo(bits(N) target, BranchType branch_type);

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
