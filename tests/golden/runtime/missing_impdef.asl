// run: HaveEL('11')
boolean HaveEL(bits(2) el)
    return boolean IMPLEMENTATION_DEFINED;
