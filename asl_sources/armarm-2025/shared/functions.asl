// Arm ARM 2025 shared pseudocode: DDI 0487, chapter J1, a 2025 issue (letter not known).
// section: shared/functions (J1.3.3)
// Transcribed from the project's reference text (../shared/spec/armarm-2025-fp-checks.asl),
// keeping its tokens, line breaks, indentation and comments, in its order. That text's
// layout was reconstructed from a copy of the manual that had lost its line breaks: its
// "// provenance:", "// LAYOUT RECONSTRUCTED", "// RECONSTRUCTED: ..." and "UNVERIFIED"
// lines are kept here as comments, so every reconstructed line still says so.
// --------------------------------------------------------------------------------------

// provenance: J1.3.3.9 (inside IsSErrorInterrupt block)
// LAYOUT RECONSTRUCTED
// Add a specific type of return value for FaultSyndrome
type IssType is (
    bits(25) iss,
    bits(24) iss2
)

// provenance: J1.3.3.405
// LAYOUT RECONSTRUCTED
// EL0-3
// =====
// PSTATE.EL Exception level

constant bits(2) EL3 = '11';
constant bits(2) EL2 = '10';
constant bits(2) EL1 = '01';
constant bits(2) EL0 = '00';

// provenance: J1.3.3.460
// LAYOUT RECONSTRUCTED
// Mode bits
// =========
// AArch32 PSTATE.M mode bits.

constant bits(5) M32_User = '10000';
constant bits(5) M32_FIQ = '10001';
constant bits(5) M32_IRQ = '10010';
constant bits(5) M32_Svc = '10011';
constant bits(5) M32_Monitor = '10110';
constant bits(5) M32_Abort = '10111';
constant bits(5) M32_Hyp = '11010';
constant bits(5) M32_Undef = '11011';
constant bits(5) M32_System = '11111';

// provenance: J1.3.3.463/466
// LAYOUT RECONSTRUCTED
// PSTATE
// ======
// Global per-processor state  // RECONSTRUCTED: word "state" was displaced into the following heading in the source

ProcState PSTATE;

// ProcState
// =========
// PE state bits.
// There is no significance to the field order.

type ProcState is (
    bits (1) N,        // Negative condition flag
    bits (1) Z,        // Zero condition flag
    bits (1) C,        // Carry condition flag
    bits (1) V,        // Overflow condition flag
    bits (1) D,        // Debug mask bit [AArch64 only]
    bits (1) A,        // SError interrupt mask bit
    bits (1) I,        // IRQ mask bit
    bits (1) F,        // FIQ mask bit
    bits (1) EXLOCK,   // Lock exception return state
    bits (1) PAN,      // Privileged Access Never Bit [v8.1]
    bits (1) UAO,      // User Access Override [v8.2]
    bits (1) DIT,      // Data Independent Timing [v8.4]
    bits (1) TCO,      // Tag Check Override [v8.5, AArch64 only]  // RECONSTRUCTED: "AArch64 only]" was displaced in the source
    bits (1) PM,       // PMU exception Mask
    bits (1) PPEND,    // synchronous PMU exception to be observed
    bits (2) BTYPE,    // Branch Type [v8.5]
    bits (1) PACM,     // PAC instruction modifier
    bits (1) ZA,       // Accumulation array enabled [SME]
    bits (1) SM,       // Streaming SVE mode enabled [SME]
    bits (1) ALLINT,   // Interrupt mask bit
    bits (1) UINJ,     // Undefined Exception Injection
    bits (1) SS,       // Software step bit
    bits (1) IL,       // Illegal Execution state bit
    bits (2) EL,       // Exception level
    bits (1) nRW,      // Execution state: 0=AArch64, 1=AArch32
    bits (1) SP,       // Stack pointer select: 0=SP0, 1=SPx [AArch64 only]
    bits (1) Q,        // Cumulative saturation flag [AArch32 only]
    bits (4) GE,       // Greater than or Equal flags [AArch32 only]
    bits (1) SSBS,     // Speculative Store Bypass Safe
    bits (8) IT,       // If-then bits, RES0 in CPSR [AArch32 only]
    bits (1) J,        // J bit, RES0 [AArch32 only, RES0 in SPSR and CPSR]
    bits (1) T,        // T32 bit, RES0 in CPSR [AArch32 only]
    bits (1) E,        // Endianness bit [AArch32 only]
    bits (5) M         // Mode field [AArch32 only]
)

// provenance: J1.3.3.406
// LAYOUT RECONSTRUCTED
// EL2Enabled()
// ============
// Returns TRUE if EL2 is present and executing
// - with the PE in Non-secure state when Non-secure EL2 is implemented, or  // RECONSTRUCTED: source shows '-with' (space after '-' lost in PDF extraction) on these 4 lines
// - with the PE in Realm state when Realm EL2 is implemented, or
// - with the PE in Secure state when Secure EL2 is implemented and enabled, or
// - when EL3 is not implemented.

boolean EL2Enabled()
    bit scr_ns;
    if HaveEL(EL3) then
        if ELUsingAArch32(EL3) then
            scr_ns = SCR.NS;
        else
            scr_ns = SCR_EL3.NS;
    return HaveEL(EL2) && (!HaveEL(EL3) || scr_ns == '1' || IsSecureEL2Enabled());

// provenance: J1.3.3.407
// LAYOUT RECONSTRUCTED
// EL3SDDUndef()
// =============
// Returns TRUE if in Debug state and EDSCR.SDD is set.

boolean EL3SDDUndef()
    if Halted() && EDSCR.SDD == '1' then
        assert (PSTATE.EL != EL3 &&
                (IsFeatureImplemented(FEAT_RME) || CurrentSecurityState() != SS_Secure));  // RECONSTRUCTED: "SS_Secure));" was displaced in the source
        return TRUE;
    else
        return FALSE;

// provenance: J1.3.3.408 (header split across reads)
// LAYOUT RECONSTRUCTED
// EL3SDDUndefPriority()
// =====================
// Returns TRUE if in Debug state, EDSCR.SDD is set, and an EL3 trap by an
// EL3 control register has priority over other traps.
// The IMPLEMENTATION DEFINED priority may be different for each case.

boolean EL3SDDUndefPriority()
    return EL3SDDUndef() && boolean IMPLEMENTATION_DEFINED "EL3 trap priority when SDD == '1'";

// provenance: J1.3.3.411
// LAYOUT RECONSTRUCTED
// ELIsInHost()
// ============

boolean ELIsInHost(bits(2) el)
    if !IsFeatureImplemented(FEAT_VHE) || ELUsingAArch32(EL2) then
        return FALSE;
    case el of
        when EL3
            return FALSE;
        when EL2
            return EL2Enabled() && EffectiveHCR_EL2_E2H() == '1';
        when EL1
            return FALSE;
        when EL0
            return EL2Enabled() && EffectiveHCR_EL2_E2H():HCR_EL2.TGE == '11';
        otherwise
            Unreachable();

// provenance: J1.3.3.456
// LAYOUT RECONSTRUCTED
// IsInHost()
// ==========

boolean IsInHost()
    return ELIsInHost(PSTATE.EL);

// provenance: J1.3.3.417
// LAYOUT RECONSTRUCTED
// EffectiveHCR_EL2_E2H()
// ======================
// Return the Effective HCR_EL2.E2H value.

bit EffectiveHCR_EL2_E2H()
    if !IsFeatureImplemented(FEAT_VHE) then
        return '0';
    if !IsFeatureImplemented(FEAT_E2H0) then
        return '1';
    return HCR_EL2.E2H;

// provenance: J1.3.3.412
// LAYOUT RECONSTRUCTED
// ELStateUsingAArch32()
// =====================

boolean ELStateUsingAArch32(bits(2) el, boolean secure)
    // See ELStateUsingAArch32K() for description. Must only be called in circumstances where
    // result is valid (typically, that means 'el IN {EL1,EL2,EL3}').
    (known, aarch32) = ELStateUsingAArch32K(el, secure);
    assert known;
    return aarch32;

// provenance: J1.3.3.413
// LAYOUT RECONSTRUCTED
// ELStateUsingAArch32K()
// ======================
// Returns (known, aarch32):
// 'known' is FALSE for EL0 if the current Exception level is not EL0 and EL1 is
// using AArch64, since it cannot determine the state of EL0; TRUE otherwise.
// 'aarch32' is TRUE if the specified Exception level is using AArch32; FALSE otherwise.

(boolean, boolean) ELStateUsingAArch32K(bits(2) el, boolean secure)
    assert HaveEL(el);
    if !HaveAArch32EL(el) then
        return (TRUE, FALSE); // Exception level is using AArch64
    elsif secure && el == EL2 then
        return (TRUE, FALSE); // Secure EL2 is using AArch64
    elsif !HaveAArch64() then
        return (TRUE, TRUE); // Highest Exception level, therefore all levels are using AArch32

    // Remainder of function deals with the interprocessing cases when highest
    // Exception level is using AArch64.

    if el == EL3 then
        return (TRUE, FALSE);

    if (HaveEL(EL3) && SCR_EL3.RW == '0' &&
          (!secure || !IsFeatureImplemented(FEAT_SEL2) || SCR_EL3.EEL2 == '0')) then  // RECONSTRUCTED: line-split point guessed
        // AArch32 below EL3.
        return (TRUE, TRUE);

    if el == EL2 then
        return (TRUE, FALSE);

    if (HaveEL(EL2) && !ELIsInHost(EL0) && HCR_EL2.RW == '0' &&
          (!secure || (IsFeatureImplemented(FEAT_SEL2) && SCR_EL3.EEL2 == '1'))) then  // RECONSTRUCTED: line-split point guessed
        // AArch32 below EL2.
        return (TRUE, TRUE);

    if el == EL1 then
        return (TRUE, FALSE);

    // The execution state of EL0 is only known from PSTATE.nRW when executing at EL0.
    if PSTATE.EL == EL0 then
        return (TRUE, PSTATE.nRW == '1');
    else
        return (FALSE, boolean UNKNOWN);

// provenance: J1.3.3.414
// LAYOUT RECONSTRUCTED
// ELUsingAArch32()
// ================

boolean ELUsingAArch32(bits(2) el)
    return ELStateUsingAArch32(el, IsSecureBelowEL3());

// provenance: J1.3.3.415
// LAYOUT RECONSTRUCTED
// ELUsingAArch32K()
// =================

(boolean,boolean) ELUsingAArch32K(bits(2) el)
    return ELStateUsingAArch32K(el, IsSecureBelowEL3());

// provenance: J1.3.3.432
// LAYOUT RECONSTRUCTED
// HaveAArch32()
// =============
// Return TRUE if AArch32 state is supported at at least EL0.

boolean HaveAArch32()
    return IsFeatureImplemented(FEAT_AA32EL0);

// provenance: J1.3.3.433
// LAYOUT RECONSTRUCTED
// HaveAArch32EL()
// ===============
// Return TRUE if Exception level 'el' supports AArch32 in this implementation

boolean HaveAArch32EL(bits(2) el)
    case el of
        when EL0 return IsFeatureImplemented(FEAT_AA32EL0);
        when EL1 return IsFeatureImplemented(FEAT_AA32EL1);
        when EL2 return IsFeatureImplemented(FEAT_AA32EL2);
        when EL3 return IsFeatureImplemented(FEAT_AA32EL3);

// provenance: J1.3.3.434
// LAYOUT RECONSTRUCTED
// HaveAArch64()
// =============
// Return TRUE if the highest Exception level is using AArch64 state.

boolean HaveAArch64()
    return (IsFeatureImplemented(FEAT_AA64EL0)
            || IsFeatureImplemented(FEAT_AA64EL1)
            || IsFeatureImplemented(FEAT_AA64EL2)
            || IsFeatureImplemented(FEAT_AA64EL3)
           );  // RECONSTRUCTED: line-split points guessed (source: "(A || B || C || D );")

// provenance: J1.3.3.435
// LAYOUT RECONSTRUCTED
// HaveEL()
// ========
// Return TRUE if Exception level 'el' is supported

boolean HaveEL(bits(2) el)
    case el of
        when EL1,EL0
            return TRUE; // EL1 and EL0 must exist
        when EL2
            return IsFeatureImplemented(FEAT_AA64EL2) || IsFeatureImplemented(FEAT_AA32EL2);
        when EL3
            return IsFeatureImplemented(FEAT_AA64EL3) || IsFeatureImplemented(FEAT_AA32EL3);
        otherwise
            Unreachable();

// provenance: J1.3.3.438
// LAYOUT RECONSTRUCTED
// HighestEL()
// ===========
// Returns the highest implemented Exception level.

bits(2) HighestEL()
    if HaveEL(EL3) then
        return EL3;
    elsif HaveEL(EL2) then
        return EL2;
    else
        return EL1;

// provenance: J1.3.3.457
// LAYOUT RECONSTRUCTED
// IsSecureBelowEL3()
// ==================
// Return TRUE if an Exception level below EL3 is in Secure state
// or would be following an exception return to that level.
//
// That is, if at AArch64 EL3 or in AArch32 Monitor mode, whether an
// exception return would pass to Secure or Non-secure state.

boolean IsSecureBelowEL3()
    if HaveEL(EL3) then
        return if !HaveAArch64() then SCR.NS == '0' else SCR_EL3.NS == '0';
    elsif HaveEL(EL2) && (!IsFeatureImplemented(FEAT_SEL2) || !HaveAArch64()) then
        // If Secure EL2 is not an architecture option then we must be Non-secure.
        return FALSE;
    else
        // TRUE if PE is Secure or FALSE if Non-secure.
        return boolean IMPLEMENTATION_DEFINED "Secure-only implementation";

// provenance: J1.3.3.458
// LAYOUT RECONSTRUCTED
// IsSecureEL2Enabled()
// ====================
// Returns TRUE if Secure EL2 is enabled, FALSE otherwise.

boolean IsSecureEL2Enabled()
    if HaveEL(EL2) && IsFeatureImplemented(FEAT_SEL2) then
        if HaveEL(EL3) then
            if !ELUsingAArch32(EL3) && SCR_EL3.EEL2 == '1' then
                return TRUE;
            else
                return FALSE;
        else
            return SecureOnlyImplementation();  // RECONSTRUCTED: "SecureOnlyImplementation();" was displaced after the block in the source
    else
        return FALSE;

// provenance: J1.3.3.403
// LAYOUT RECONSTRUCTED
// CurrentSecurityState()
// ======================
// Returns the effective security state at the exception level based off current settings.  // RECONSTRUCTED: "current settings." was displaced into the heading in the source

SecurityState CurrentSecurityState()
    return SecurityStateAtEL(PSTATE.EL);

// provenance: J1.3.3.453
// LAYOUT RECONSTRUCTED
// IsCurrentSecurityState()
// ========================
// Returns TRUE if the current Security state matches
// the given Security state, and FALSE otherwise.  // RECONSTRUCTED: word "matches" displaced in the source; line split guessed

boolean IsCurrentSecurityState(SecurityState ss)
    return CurrentSecurityState() == ss;

// provenance: J1.3.3.469
// LAYOUT RECONSTRUCTED
// SecurityState
// =============
// The Security state of an execution context  // RECONSTRUCTED: final word "context" displaced into the heading in the source

enumeration SecurityState {
    SS_NonSecure,
    SS_Root,
    SS_Realm,
    SS_Secure
};

// provenance: J1.3.3.470
// LAYOUT RECONSTRUCTED
// SecurityStateAtEL()
// ===================
// Returns the effective security state at the exception level based off current settings.

SecurityState SecurityStateAtEL(bits(2) EL)
    if IsFeatureImplemented(FEAT_RME) then
        if EL == EL3 then return SS_Root;
        effective_nse_ns = EffectiveSCR_EL3_NSE() : EffectiveSCR_EL3_NS();
        case effective_nse_ns of
            when '00'
                if IsFeatureImplemented(FEAT_SEL2) then
                    return SS_Secure;
                else
                    Unreachable();
            when '01'
                return SS_NonSecure;
            when '11'
                return SS_Realm;
            otherwise
                Unreachable();

    if !HaveEL(EL3) then
        if SecureOnlyImplementation() then
            return SS_Secure;
        else
            return SS_NonSecure;
    elsif EL == EL3 then
        return SS_Secure;
    else
        // For EL2 call only when EL2 is enabled in current security state
        assert(EL != EL2 || EL2Enabled());
        if !ELUsingAArch32(EL3) then
            return if EffectiveSCR_EL3_NS() == '1' then SS_NonSecure else SS_Secure;
        else
            return if SCR.NS == '1' then SS_NonSecure else SS_Secure;

// provenance: J1.3.3.419
// LAYOUT RECONSTRUCTED
// EffectiveSCR_EL3_NS()
// =====================
// Return Effective SCR_EL3.NS value.

bit EffectiveSCR_EL3_NS()
    if !HaveSecureState() then
        return '1';
    elsif !HaveEL(EL3) then
        return '0';
    elsif ELUsingAArch32(EL3) then
        return SCR.NS;
    else
        return SCR_EL3.NS;

// provenance: J1.3.3.420
// LAYOUT RECONSTRUCTED
// EffectiveSCR_EL3_NSE()
// ======================
// Return Effective SCR_EL3.NSE value.

bit EffectiveSCR_EL3_NSE()
    return if !IsFeatureImplemented(FEAT_RME) then '0' else SCR_EL3.NSE;

// provenance: J1.3.3.437
// LAYOUT RECONSTRUCTED
// HaveSecureState()
// =================
// Return TRUE if Secure State is supported.

boolean HaveSecureState()
    if !HaveEL(EL3) then
        return SecureOnlyImplementation();
    if IsFeatureImplemented(FEAT_RME) && !IsFeatureImplemented(FEAT_SEL2) then
        return FALSE;
    return TRUE;

// provenance: J1.3.3.468
// LAYOUT RECONSTRUCTED
// SecureOnlyImplementation()
// ==========================
// Returns TRUE if the security state is always Secure for this implementation.

boolean SecureOnlyImplementation()
    return boolean IMPLEMENTATION_DEFINED "Secure-only implementation";

// provenance: J1.3.3.489
// LAYOUT RECONSTRUCTED
// UsingAArch32()
// ==============
// Return TRUE if the current Exception level is using AArch32, FALSE if using AArch64.

boolean UsingAArch32()
    constant boolean aarch32 = (PSTATE.nRW == '1');
    if !HaveAArch32() then assert !aarch32;
    if !HaveAArch64() then assert aarch32;
    return aarch32;

// provenance: J1.3.3.386
// LAYOUT RECONSTRUCTED
// ThisInstrAddr()
// ===============
// Return address of the current instruction.

bits(N) ThisInstrAddr(integer N)
    assert N == 64 || (N == 32 && UsingAArch32());
    return _PC<N-1:0>;

// provenance: J1.3.3.402
// LAYOUT RECONSTRUCTED
// CurrentInstrSet()
// =================

InstrSet CurrentInstrSet()
    InstrSet result;
    if UsingAArch32() then
        result = if PSTATE.T == '0' then InstrSet_A32 else InstrSet_T32;
        // PSTATE.J is RES0. Implementation of T32EE or Jazelle state not permitted.
    else
        result = InstrSet_A64;
    return result;

// provenance: J1.3.3.509
// LAYOUT RECONSTRUCTED
// ConstrainUnpredictableBool()
// ============================
// This is a variant of the ConstrainUnpredictable function where the result is either
// Constraint_TRUE or Constraint_FALSE.

boolean ConstrainUnpredictableBool(Unpredictable which);
