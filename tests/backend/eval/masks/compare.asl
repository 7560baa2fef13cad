// A bit mask as an operand of `==` or `!=` matches as it does as a pattern: `bv == '11xx0'`
// is `bv IN {'11xx0'}`, on either side, and `!=` is its negation.

// register: SCR_EL3 64 NS=0 RW=10 EEL2=18
// state: SCR_EL3 = 0x400

boolean Top(bits(5) bv)
    return bv == '11xx0';

boolean NotTop(bits(5) bv)
    return '11xx0' != bv;

boolean NsOrRw()
    return SCR_EL3<10:9> == '1x';

// expect: Top('11000') && Top('11110') && Top('11010')
// expect: !Top('11001') && !Top('01000')
// expect: NotTop('01000') && !NotTop('11100')
// expect: '11010' == '11xx0' && '11011' != '11xx0'
// expect: NsOrRw()
// expect-reads: NsOrRw() ~ SCR_EL3<10:9>

// a mask against a slice whose width is known only when it runs: checked then
boolean LowBits(bits(8) x, integer n)
    return x<n:0> == '1x';

boolean LowCase(bits(8) x, integer n)
    case x<n:0> of
        when '0x' return FALSE;
        when '1x' return TRUE;

boolean LowIn(bits(8) x, integer n)
    return x<0+:n> IN {'1x', '01'};

// expect: LowBits('00000010', 1) && !LowBits('00000001', 1)
// expect-error: LowBits('00000010', 2) ~ the mask '1x' has 2 bits but the value has 3
// expect: LowCase('00000011', 1) && !LowCase('00000001', 1)
// expect-error: LowCase('00000011', 0) ~ the mask '0x' has 2 bits but the value has 1
// expect: LowIn('00000011', 2) && LowIn('00000001', 2) && !LowIn('00000000', 2)
