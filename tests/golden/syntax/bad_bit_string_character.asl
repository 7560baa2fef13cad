// Only 0, 1, x and spaces may appear in a bit string.
Check()
    PSTATE.IT = '0000 2000';
