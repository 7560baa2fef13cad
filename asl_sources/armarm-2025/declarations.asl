// Declarations of names the 2025 text uses but this transcription's closure does not
// define; not Arm text; no logic invented.
// Spec version: Arm ARM 2025 (DDI 0487, chapter J1, a 2025 issue; letter not known).
// section: none (declarations only; from-armv8.6.asl holds the Armv8.6 definitions taken in,
// every other file of this folder is one Arm ARM section)
//
// What is here, and why:
// - types and enumerations the transcribed text names but whose Arm definitions lie outside
//   the closure of the FP / Advanced SIMD checks (only the members the text uses, unless
//   stated);
// - the globals the text reads (_PC, _Dclone) and the D[] getter (PSTATE is declared by the
//   2025 text itself);
// - IsFeatureImplemented() and Halted(): the 2025 copy calls both and defines neither. Each is
//   written as a keyless IMPLEMENTATION DEFINED question: the profile answers it, under the
//   key "IsFeatureImplemented(FEAT_X)" or "Halted()" (exploration opens it when the profile
//   does not, or with --vary-profile);
// - bodyless declarations of implementation-provided and non-architectural functions, which
//   the machine layer supplies as primitives (asl_interp/lib/primitives.py);
// - the exception-entry boundary: AArch32.EnterMode and AArch32.EnterHypMode with the 2025
//   reference's own signatures, AArch64.TakeException with the Armv8.6 text's (the 2025 copy
//   does not hold it).
// Registers (HSR, FPEXC, CPACR_EL1, SMCR_EL1, EDSCR, ...) are not declared here: they are
// names of the register model (registers.toml). The ASL standard library (UInt, Zeros,
// ZeroExtend, Unreachable, ...) is not declared here either: it is the evaluator's primitives.
// --------------------------------------------------------------------------------------

// The architecture features IsFeatureImplemented() is asked about (shared/functions/extension
// in the Arm ARM, where the enumeration Feature lists every FEAT_ name). Only the members the
// transcribed text asks about are listed, in alphabetical order as the Arm enumeration is.
enumeration Feature {FEAT_AA32EL0, FEAT_AA32EL1, FEAT_AA32EL2, FEAT_AA32EL3,
                     FEAT_AA64EL0, FEAT_AA64EL1, FEAT_AA64EL2, FEAT_AA64EL3,
                     FEAT_E2H0, FEAT_RME, FEAT_SEL2, FEAT_SME, FEAT_SME_FA64, FEAT_SVE,
                     FEAT_VHE};

// Whether the implementation has feature 'feature': the implementation's answer (not Arm
// text: the Arm ARM answers it from the implementation's ID registers).
boolean IsFeatureImplemented(Feature feature)
    return boolean IMPLEMENTATION_DEFINED;

// Whether the PE is in Debug state (halted). The Arm definition (shared/debug) reads the
// debug state machine, which is in neither reference text: it is asked of the profile, as
// "Halted()" (not Arm text). Every shipped profile answers FALSE (not in Debug state);
// explore and diff open it with --vary-profile 'Halted()'.
boolean Halted()
    return boolean IMPLEMENTATION_DEFINED;

// The instruction sets CurrentInstrSet() returns (shared/functions/system in the Arm ARM).
enumeration InstrSet {InstrSet_A64, InstrSet_A32, InstrSet_T32};

// CONSTRAINED UNPREDICTABLE cases, as ConstrainUnpredictable() identifies its call site
// (shared/functions/unpredictable). Only the members the transcribed text uses are listed.
enumeration Unpredictable {Unpredictable_RESCPACR,        // Reserved CPACR/CPACR_EL1 cp10 value
                           Unpredictable_ESRCONDPASS};    // Syndrome for a known-passing conditional A32 instruction

// The results ConstrainUnpredictable() may give (shared/functions/unpredictable): all fifteen
// members of the Armv8.x enumeration, in its order, as asl_sources/armv8.6 declares them;
// the transcribed text uses Constraint_TRUE and Constraint_FALSE.
enumeration Constraint {Constraint_NONE, Constraint_UNKNOWN, Constraint_UNDEF,
                        Constraint_UNDEFEL0, Constraint_NOP, Constraint_TRUE,
                        Constraint_FALSE, Constraint_DISABLED, Constraint_UNCOND,
                        Constraint_COND, Constraint_ADDITIONAL_DECODE, Constraint_WBSUPPRESS,
                        Constraint_FAULT, Constraint_FORCE, Constraint_FORCENOSLCHECK};

// Physical address spaces (shared/functions/memory): the four members of the RME-era
// enumeration, in its order. ExceptionSyndrome() sets an ExceptionRecord's paddress.paspace
// to PASpace UNKNOWN; no outcome depends on it.
enumeration PASpace {PAS_NonSecure, PAS_Secure, PAS_Root, PAS_Realm};

// A physical address with its address space (shared/functions/memory): the type of
// ExceptionRecord.paddress.
type FullAddress is (PASpace paspace, bits(56) address)

// Register-layout type of the value SCR_GEN[] returns (SCR_GEN[] comes from the Armv8.6
// text, from-armv8.6.asl): the machine model maps it to the SCR_EL3 field layout.
type SCRType;

// The program counter ThisInstrAddr() reads (shared/functions/registers in the Arm ARM).
bits(64) _PC;

// The copy of the D registers CheckAdvSIMDEnabled() makes for instruction pseudocode.
array bits(64) _Dclone[0..31];

// The AArch32 D registers (aarch32/functions/registers in the Arm ARM): implementation
// state, supplied by the machine layer.
bits(64) D[integer n];

// The encoding of the instruction being executed: supplied by the machine layer.
bits(32) ThisInstr();

// The condition of the instruction being executed (ConditionSyndrome() asks it): supplied by
// the machine layer from the profile's [instruction] table.
bits(4) CurrentCond();

// The implementation's choice for a CONSTRAINED UNPREDICTABLE case: supplied by the
// machine layer from its profile.
Constraint ConstrainUnpredictable(Unpredictable which);

// The syndrome of a trapped AArch32 System register access, used by the integer overload of
// AArch32.TakeHypTrapException(); its Arm definition is outside this closure.
ExceptionRecord AArch32.SystemAccessTrapSyndrome(bits(32) instr, integer ec);

// The exception-entry boundary. The 2025 reference defines AArch32.EnterMode and
// AArch32.EnterHypMode with full pseudocode and does not hold AArch64.TakeException (its
// signature here is the Armv8.6 text's); none of them is run yet: the machine layer records
// the outcome (target Exception level, mode, exception, vector offset, syndrome class) when
// they are called.

AArch64.TakeException(bits(2) target_el, ExceptionRecord exception,
                      bits(64) preferred_exception_return, integer vect_offset);

AArch32.EnterHypMode(ExceptionRecord except, bits(32) preferred_exception_return,
                     integer vect_offset);

AArch32.EnterMode(bits(5) target_mode, bits(32) preferred_exception_return, integer lr_offset,
                  integer vect_offset);
