// A definition without a body needs ';'.
boolean HaveEL(bits(2) el)

Check()
    return;
