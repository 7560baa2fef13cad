// N bound by a bits(N) parameter; results of the same width; run-time width checks where
// the widths are only known when the code runs.

bits(N) Flip(bits(N) x)
    return NOT x;

integer Width(bits(N) x)
    return N;

bits(N) Wrong(bits(N) x)
    return x : '0';

boolean Compare(bits(N) a, bits(M) b)
    return a == b;

bits(64) PC = Zeros(64);

bits(N) ThisAddr()
    assert N == 64 || N == 32;
    return PC<N-1:0>;

// expect: Flip('1010') == '0101'
// expect: Width('10101') == 5
// expect: Width(Zeros(64)) == 64
// expect-error: Wrong('01') ~ returns bits(2) but this value is bits(3)
// expect: Compare('01', '01')
// expect-error: Compare('01', '001') ~ cannot compare bits(2) with bits(3)
// expect: ThisAddr() == Zeros(32)
// expect: ThisAddr() == Zeros(64)

bits(4) Store(bits(N) v)
    bits(4) x;
    x = v;
    return x;

// expect: Store('1010') == '1010'
// expect-error: Store('10') ~ a bits(2) value cannot be stored in a bits(4)

bits(N) Both(bits(N) a, bits(N) b)
    return a OR b;

bits(n) Dyn(integer n)
    return Zeros(n);

integer Three()
    return 3;

// expect: Both('1000', '0001') == '1001'
// expect: Dyn(2) == '00'
// expect-error: Both(Dyn(Three()), '0001') ~ argument 'b' of Both is bits(4) but N is 3
