// Slices of bits and of integers; concatenation widths add; indices are range-checked.

bits(6) EcField(integer ec)
    return ec<5:0>;

bits(5) Low5(integer vect_offset)
    return vect_offset<4:0>;

bits(8) Swap(bits(8) x)
    return x<3:0>:x<7:4>;

bits(4) Bit(bits(4) x, integer i)
    return x<i:i>:x<i>:'00';

bits(8) SetLow(bits(8) x, bits(4) v)
    x<3:0> = v;
    return x;

bits(8) SetBits(bits(8) x)
    x<7,0> = '11';
    return x;

integer Dyn(bits(8) x, integer hi, integer lo)
    return UInt(x<hi:lo>);

// expect: EcField(0x24) == '100100'
// expect: EcField(-1) == '111111'
// expect: Low5(0x14) == '10100'
// expect: Low5(0x214) == '10100'
// expect: Swap('00011111') == '11110001'
// expect: Bit('0100', 2) == '1100'
// expect: SetLow('11111111', '0000') == '11110000'
// expect: SetBits('01111110') == '11111111'
// expect: Dyn('10110000', 7, 4) == 11
// expect: ('1' : '0' : '11') == '1011'
// expect-error: Dyn('10110000', 8, 4) ~ out of range for bits(8)
// expect-error: Dyn('10110000', 3, 4) ~ out of range

// A slice whose bounds are known only at run time, passed where its width must be known
// (AArch64.BranchAddr: SignExtend(vaddress<msbit:0>)).
bits(16) SextLow(bits(16) v, integer msbit)
    return SignExtend(v<msbit:0>);

bits(16) ZeroUpper(bits(16) v, integer n)
    v = ZeroExtend(v<n-1:0>);
    return v;

// expect: SextLow('0000000010000000', 7) == '1111111110000000'
// expect: SextLow('0000000001000000', 7) == '0000000001000000'
// expect: ZeroUpper('1111111111111111', 4) == '0000000000001111'
