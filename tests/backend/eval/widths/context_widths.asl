// A user-defined bits(N) function takes N from the context its value flows into:
// declaration, assignment target, parameter, comparison, record field and return.
// N is visible inside the callee.

type Rec is (bits(25) syndrome)

bits(N) Pattern()
    assert N >= 2;
    return Ones(N-1) : '0';

integer WidthOf()
    return 0;

bits(64) FromDeclaration()
    bits(64) r = Pattern();
    return r;

bits(8) FromAssignment()
    bits(8) r;
    r = Pattern();
    return r;

integer Takes(bits(6) x)
    return UInt(x);

boolean FromComparison()
    return Pattern() == '1110';

bits(25) FromRecordField()
    Rec r;
    r.syndrome = Pattern();
    return r.syndrome;

bits(3) FromReturn()
    return Pattern();

bits(N) Inner()
    return Pattern();

// expect: FromDeclaration() == (Ones(63) : '0')
// expect: FromAssignment() == '11111110'
// expect: Takes(Pattern()) == 62
// expect: FromComparison()
// expect: FromRecordField() == (Ones(24) : '0')
// expect: FromReturn() == '110'
// expect: Inner() == '11110'
// expect-error: Inner() == '1' ~ assertion failed: N >= 2
