// Arm ARM 2025 shared pseudocode: DDI 0487, chapter J1, a 2025 issue (letter not known).
// section: shared/exceptions (J1.3.2)
// Transcribed from the project's reference text (../shared/spec/armarm-2025-fp-checks.asl),
// keeping its tokens, line breaks, indentation and comments, in its order. That text's
// layout was reconstructed from a copy of the manual that had lost its line breaks: its
// "// provenance:", "// LAYOUT RECONSTRUCTED", "// RECONSTRUCTED: ..." and "UNVERIFIED"
// lines are kept here as comments, so every reconstructed line still says so.
// --------------------------------------------------------------------------------------

// provenance: J1.3.2.12 (shared/exceptions)
// LAYOUT RECONSTRUCTED
// Undefined()
// ===========

Undefined()
    if UsingAArch32() then
        AArch32.Undefined();
    else
        AArch64.Undefined();

// provenance: J1.3.2.8
// LAYOUT RECONSTRUCTED
// ConditionSyndrome()
// ===================
// Return CV and COND fields of instruction syndrome  // RECONSTRUCTED: word "syndrome" was displaced into a separate block in the source

bits(5) ConditionSyndrome()

    bits(5) syndrome;

    if UsingAArch32() then
        cond = CurrentCond();
        if PSTATE.T == '0' then // A32
            syndrome<4> = '1';
            // A conditional A32 instruction that is known to pass its condition code check
            // can be presented either with COND set to 0xE, the value for unconditional, or
            // the COND value held in the instruction.
            if ConditionHolds(cond) && ConstrainUnpredictableBool(Unpredictable_ESRCONDPASS) then
                syndrome<3:0> = '1110';
            else
                syndrome<3:0> = cond;
        else // T32
            // When a T32 instruction is trapped, it is IMPLEMENTATION DEFINED whether:
            // * CV set to 0 and COND is set to an UNKNOWN value
            // * CV set to 1 and COND is set to the condition code for the condition that
            // applied to the instruction.
            if boolean IMPLEMENTATION_DEFINED "Condition valid for trapped T32" then
                syndrome<4> = '1';
                syndrome<3:0> = cond;
            else
                syndrome<4> = '0';
                syndrome<3:0> = bits(4) UNKNOWN;
    else
        syndrome<4> = '1';
        syndrome<3:0> = '1110';

    return syndrome;

// provenance: J1.3.2.9
// LAYOUT RECONSTRUCTED
// Exception
// =========
// Classes of exception.

enumeration Exception {
        Exception_Uncategorized,        // Uncategorized or unknown reason
        Exception_WFxTrap,              // Trapped WFI or WFE instruction
        Exception_CP15RTTrap,           // Trapped AArch32 MCR or MRC access, coproc=0b111
        Exception_CP15RRTTrap,          // Trapped AArch32 MCRR or MRRC access, coproc=0b1111
        Exception_CP14RTTrap,           // Trapped AArch32 MCR or MRC access, coproc=0b1110
        Exception_CP14DTTrap,           // Trapped AArch32 LDC or STC access, coproc=0b1110
        Exception_CP14RRTTrap,          // Trapped AArch32 MRRC access, coproc=0b1110
        Exception_AdvSIMDFPAccessTrap,  // HCPTR-trapped access to SIMD or FP
        Exception_FPIDTrap,             // Trapped access to SIMD or FP ID register
        Exception_LDST64BTrap,          // Trapped access to ST64BV, ST64BV0, ST64B and LD64B
        // Trapped BXJ instruction not supported in Armv8
        Exception_PACTrap,              // Trapped invalid PAC use
        Exception_IllegalState,         // Illegal Execution state
        Exception_SupervisorCall,       // Supervisor Call
        Exception_HypervisorCall,       // Hypervisor Call
        Exception_MonitorCall,          // Monitor Call or Trapped SMC instruction
        Exception_SystemRegisterTrap,   // Trapped MRS or MSR System register access
        Exception_ERetTrap,             // Trapped invalid ERET use
        Exception_InstructionAbort,     // Instruction Abort or Prefetch Abort
        Exception_PCAlignment,          // PC alignment fault
        Exception_DataAbort,            // Data Abort
        Exception_NV2DataAbort,         // Data abort at EL1 reported as being from EL2
        Exception_PACFail,              // PAC Authentication failure
        Exception_SPAlignment,          // SP alignment fault
        Exception_FPTrappedException,   // IEEE trapped FP exception
        Exception_SError,               // SError interrupt
        Exception_Breakpoint,           // (Hardware) Breakpoint
        Exception_SoftwareStep,         // Software Step
        Exception_Watchpoint,           // Watchpoint
        Exception_NV2Watchpoint,        // Watchpoint at EL1 reported as being from EL2
        Exception_SoftwareBreakpoint,   // Software Breakpoint Instruction
        Exception_VectorCatch,          // AArch32 Vector Catch
        Exception_IRQ,                  // IRQ interrupt
        Exception_SVEAccessTrap,        // HCPTR trapped access to SVE
        Exception_SMEAccessTrap,        // HCPTR trapped access to SME
        Exception_GPC,                  // Granule protection check
        Exception_BranchTarget,         // Branch Target Identification
        Exception_MemCpyMemSet,         // Exception from a CPY* or SET* instruction
        Exception_GCSFail,              // GCS Exceptions
        Exception_Profiling,            // Profiling exception
        Exception_SystemRegister128Trap, // Trapped MRRS or MSRR System register or SYSP access
        Exception_FIQ};                 // FIQ interrupt

// provenance: J1.3.2.10
// LAYOUT RECONSTRUCTED
// ExceptionRecord
// ===============

type ExceptionRecord is (
    Exception exceptype,        // Exception class
    IssType syndrome,           // Syndrome record
    FullAddress paddress,       // Physical fault address
    bits(64) vaddress,          // Virtual fault address
    boolean ipavalid,           // Validity of Intermediate Physical fault address
    boolean pavalid,            // Validity of Physical fault address
    bit NS,                     // Intermediate Physical fault address space
    bits(56) ipaddress,         // Intermediate Physical fault address
    boolean trappedsyscallinst) // Trapped SVC or SMC instruction

// provenance: J1.3.2.11
// LAYOUT RECONSTRUCTED
// ExceptionSyndrome()
// ===================
// Return a blank exception syndrome record for an exception of the given type.  // RECONSTRUCTED: final word "type." was displaced into the J1.3.2.12 block in the source

ExceptionRecord ExceptionSyndrome(Exception exceptype)

    ExceptionRecord r;

    r.exceptype = exceptype;

    // Initialize all other fields
    r.syndrome.iss = Zeros(25);
    r.syndrome.iss2 = Zeros(24);
    r.vaddress = Zeros(64);
    r.ipavalid = FALSE;
    r.pavalid = FALSE;
    r.NS = '0';
    r.ipaddress = Zeros(56);
    r.paddress.paspace = PASpace UNKNOWN;
    r.paddress.address = bits(56) UNKNOWN;
    r.trappedsyscallinst = FALSE;

    return r;
