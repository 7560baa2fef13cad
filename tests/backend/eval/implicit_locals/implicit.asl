// A variable first assigned without a declaration lives for the whole function, typed by
// that first assignment (as in AArch64.CheckFPAdvSIMDEnabled).

boolean Disabled(bits(2) fpen, boolean el0)
    case fpen of
        when 'x0' disabled = TRUE;
        when '01' disabled = el0;
        when '11' disabled = FALSE;
    return disabled;

integer Route(boolean b)
    if b then
        vect_offset = 0x0;
    else
        vect_offset = 0x14;
    vect_offset = vect_offset + 0x400;
    return vect_offset;

// expect: Disabled('10', FALSE)
// expect: Disabled('01', TRUE)
// expect: !Disabled('01', FALSE)
// expect: !Disabled('11', TRUE)
// expect: Route(TRUE) == 0x400
// expect: Route(FALSE) == 0x414

integer Unset(boolean b)
    if b then
        x = 1;
    return x;

// expect: Unset(TRUE) == 1
// expect-error: Unset(FALSE) ~ 'x' is read before any value was assigned to it
