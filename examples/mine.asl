// Two syntax slips, for the README's `asl-interp check examples/mine.asl`.
boolean AtEL0(bits(2) el)
    case el of
        when '00' return TRUE;
        when '01' return PSTATE.EL == EL0
        otherwise return FALSE;

integer Clamp(integer x)
    if x > 3
        return 3;
    return x;
