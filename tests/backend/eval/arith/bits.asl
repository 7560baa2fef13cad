// bits(N) arithmetic wraps at N bits; bits +/- integer keeps the width (target_el - 1).

constant bits(2) EL1 = '01';
constant bits(2) EL2 = '10';

bits(2) Below(bits(2) target_el)
    return target_el - 1;

// expect: Below(EL2) == EL1
// expect: Below('00') == '11'
// expect: '1111' + '0001' == '0000'
// expect: '0101' - '0110' == '1111'
// expect: '1100' AND '1010' == '1000'
// expect: '1100' OR '1010' == '1110'
// expect: '1100' EOR '1010' == '0110'
// expect: NOT '1100' == '0011'
// expect: UInt('1111') == 15 && SInt('1111') == -1 && SInt('0111') == 7
// expect: BitCount('10110') == 3
// expect: LowestSetBit('10100') == 2 && HighestSetBit('10100') == 4
// expect: IsZero('000') && IsOnes('111') && IsZeroBit('000') == '1'
// expect: Len('10101') == 5
// expect: SignExtend('10', 4) == '1110' && ZeroExtend('10', 4) == '0010'
// expect: Replicate('10', 3) == '101010'
