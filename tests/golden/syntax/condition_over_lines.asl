boolean Ready(boolean ok, integer v)
    if ok &&
        v > 2 then
        return TRUE;
    return FALSE;
