// The condition of an if is followed by 'then'.
Check()
    if HCR_EL2.TGE == '1'
        UNDEFINED;
