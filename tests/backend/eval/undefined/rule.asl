// UNDEFINED calls the spec version's fault routine (the rule: selector, if-true, if-false);
// if the routine returns, that is an error.

// register: PSTATE 32 nRW=4
// register: LOG 32
// undefined: UsingAArch32 AArch32.Fault AArch64.Fault

boolean UsingAArch32()
    return PSTATE.nRW == '1';

AArch32.Fault()
    LOG = ZeroExtend('1');

AArch64.Fault()
    LOG = ZeroExtend('10');

integer Check(boolean enabled)
    if !enabled then UNDEFINED;
    return 1;

// expect: Check(TRUE) == 1
// expect-error: Check(FALSE) ~ the UNDEFINED fault routine AArch64.Fault (chosen by UsingAArch32()) returned
// expect-writes: CheckUndef() ~ LOG<31:0>=2

boolean CheckUndef()
    if Check(FALSE) == 1 then
        return TRUE;
    return FALSE;
