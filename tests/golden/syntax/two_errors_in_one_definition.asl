// After an error, parsing resumes at the definition's next statement.
Check()
    vect_offset = 0x0
    if route_to_el2 then
        AArch64.TakeException(EL2, exception, preferred_exception_return, vect_offset);
    else
        exception.syndrome<24:20> = ConditionSyndrome();
    return
