bits(N) Both(bits(N) a, bits(N) b)
    return a;

bits(2) F()
    return Both('01', '001');
