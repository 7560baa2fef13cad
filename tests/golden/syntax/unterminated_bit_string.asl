// A bit string needs its closing quote on the same line.
Check()
    PSTATE.IT = '00000000;
