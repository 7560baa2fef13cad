// Every call to a function no source defines is listed, at each call site.
boolean F()
    if HaveFoo() then
        return TRUE;
    return HaveFoo() || AArch64.Missing(3);
