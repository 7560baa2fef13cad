// UNKNOWN asks the World for a value (the in-memory World: zeros, FALSE, first member) and
// every use is recorded.

enumeration InstrSet {InstrSet_A64, InstrSet_A32};

boolean Aarch32()
    boolean aarch32 = boolean UNKNOWN;
    return aarch32;

bits(N) Garbage()
    return bits(N) UNKNOWN;

integer Two()
    a = bits(4) UNKNOWN;
    b = InstrSet UNKNOWN;
    return if b == InstrSet_A64 then UInt(a) + 2 else 0;

// expect: !Aarch32()
// expect-unknowns: Aarch32() ~ 1
// expect: Garbage() == '000'
// expect: Two() == 2
// expect-unknowns: Two() ~ 2
