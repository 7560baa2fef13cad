boolean Less(integer a, integer b)
    if a<b then
        return TRUE;
    return FALSE;
