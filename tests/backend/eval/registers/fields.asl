// Register fields and slices are read and written through the World at their bit
// positions; multi-field access PSTATE.<A,I,F>; whole-register writes.

// register: PSTATE 32 EL=3:2 nRW=4 A=8 I=7 F=6 M=20:16
// register: HSR 32 EC=31:26 IL=25 ISS=24:0
// register: HPFAR 32
// state: PSTATE = 0x4

type ProcState is (bits(2) EL, bits(1) nRW, bits(1) A, bits(1) I, bits(1) F, bits(5) M)
ProcState PSTATE;

bits(2) CurrentEL()
    return PSTATE.EL;

boolean Mask()
    PSTATE.<A,I,F> = '101';
    return PSTATE.<A,I,F> == '101' && PSTATE.A == '1' && PSTATE.I == '0';

boolean Report(integer ec, bit il, bits(25) iss)
    HSR = ec<5:0>:il:iss;
    HPFAR<31:4> = Ones(28);
    return HSR.EC == ec<5:0> && HSR.IL == il && HPFAR<3:0> == '0000';

// A field written from a choice of two constants (the generated code shifts the constants
// to the field's place, not the value chosen).
bits(32) Choose(integer n)
    HSR = Zeros(32);
    HSR.EC = if n > 2 then '101010' else '010101';
    HSR.IL = if n MOD 2 == 0 then '1' else '0';
    return HSR;

// One bit written from a slice of a variable moved up, moved down, and from a computed
// bits(1) value, over bits already set or clear (the generated code chooses between two
// constants for each).
integer OneBits(bits(8) x, bits(32) start)
    HPFAR = start;
    HPFAR<20> = x<3>;
    HPFAR<1> = x<6>;
    HPFAR<9> = NOT x<0>;
    return UInt(HPFAR);

// expect: CurrentEL() == '01'
// expect-reads: CurrentEL() ~ PSTATE.EL
// expect: Mask()
// expect-writes: Mask() ~ PSTATE<8:8>=1, PSTATE<7:7>=0, PSTATE<6:6>=1
// expect: Report(0x24, '1', Zeros(25))
// expect-writes: Report(0x07, '0', Zeros(25)) ~ HSR<31:0>=469762048, HPFAR<31:4>=268435455
// expect: UInt(Choose(3)) == 0xA8000000
// expect: UInt(Choose(2)) == 0x56000000
// expect-writes: Choose(2) ~ HSR<31:0>=0, HSR<31:26>=21, HSR<25:25>=1
// expect: OneBits('00001000', Ones(32)) == 0xFFFFFFFD
// expect: OneBits('01000001', Ones(32)) == 0xFFEFFDFF
// expect: OneBits('01001000', Zeros(32)) == 0x00100202
// expect: OneBits('00000001', Zeros(32)) == 0
