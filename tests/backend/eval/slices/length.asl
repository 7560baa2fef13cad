// `lo+:w` selects w bits from bit lo up (bits lo+w-1:lo), on its own, with expressions,
// as an assignment target, on registers, and mixed with the other items of a slice list.

// register: HCR_EL2 64 E2H=34 TGE=27
// state: HCR_EL2 = 0x0000000408000000

bits(3) Mid(bits(8) x)
    return x<2+:3>;

bits(7) Mixed(bits(8) x)
    return x<2, 7:5, 0+:3>;

bits(2) Dyn(bits(8) x, integer lo)
    return x<lo+:2>;

bits(4) DynWidth(bits(8) x, integer lo, integer w)
    return ZeroExtend(x<lo+:w>, 4);

bits(8) Set(bits(8) x, integer n)
    x<n-1+:2> = '00';
    return x;

bits(8) SetMixed(bits(8) x)
    x<7, 0+:2> = '101';
    return x;

bit TgeByLength()
    return HCR_EL2<27+:1>;

bits(8) E2hWindow()
    return HCR_EL2<27+:8>;

SetTge(bit v)
    HCR_EL2<27+:1> = v;

bits(5) FromInteger(integer i)
    return i<3+:5>;

// expect: Mid('11010110') == '101'
// expect: Mixed('11010110') == '1110110'
// expect: Mixed('11010110') == '11010110'<2>:'11010110'<7:5>:'11010110'<2:0>
// expect: Dyn('11010110', 1) == '11' && Dyn('11010110', 6) == '11' && Dyn('11010110', 4) == '01'
// expect: DynWidth('11010110', 2, 3) == '0101'
// expect: Set('11111111', 3) == '11110011'
// expect: SetMixed('01111110') == '11111101'
// expect: TgeByLength() == '1'
// expect: E2hWindow() == '10000001'
// expect-reads: TgeByLength() ~ HCR_EL2.TGE
// expect-writes: SetTge('0') ~ HCR_EL2<27:27>=0
// expect: FromInteger(0x58) == '01011'
// expect-error: Dyn('11010110', 7) ~ slice <8:7> is out of range for bits(8)
// expect-error: DynWidth('11010110', 2, 0) ~ slice <1:2> is out of range
