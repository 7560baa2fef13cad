// Getters and setters live beside registers of the same name: CPACR[] (an accessor) and
// CPACR (a register) are different things.

// register: CPACR 32 cp10=21:20 ASEDIS=31
// register: CPACR_EL1 32 FPEN=21:20
// layout: CPACRType CPACR_EL1
// state: CPACR_EL1 = 0x300000
// state: CPACR = 0x80000000

type CPACRType;

CPACRType CPACR[]
    bits(32) r;
    r = CPACR_EL1;
    return r;

CPACR[] = bits(32) value
    CPACR_EL1 = value;

array bits(8) _Regs[0..3];

bits(8) R[integer n]
    return _Regs[n];

R[integer n] = bits(8) value
    _Regs[n] = value;

bits(8) Roundtrip()
    R[2] = '10101010';
    R[3] = R[2] + 1;
    return R[3];

// expect: CPACR[].FPEN == '11'
// expect: CPACR.ASEDIS == '1'
// expect-reads: CPACR[].FPEN ~ CPACR_EL1.FPEN
// expect: Roundtrip() == '10101011'
// expect-error: R[4] == '00000000' ~ index 4 is outside _Regs[0..3]
// expect-writes: Setter() ~ CPACR_EL1<31:0>=5

boolean Setter()
    CPACR[] = '00000000000000000000000000000101';
    return TRUE;
