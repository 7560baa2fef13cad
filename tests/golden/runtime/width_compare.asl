// run: Same('1', '10')
boolean Same(bits(N) a, bits(M) b)
    return a == b;
