// run: Check()
boolean Check()
    UNDEFINED;
    return TRUE;
