// Overloads are chosen by argument count and argument types
// (AArch32.TakeHypTrapException(integer) vs (ExceptionRecord)).

type Rec is (integer code)

integer Trap(integer ec)
    Rec r;
    r.code = ec + 100;
    return Trap(r);

integer Trap(Rec r)
    return r.code;

integer Trap()
    return -1;

integer Pick(bits(2) x)
    return 2;

integer Pick(bits(3) x)
    return 3;

// expect: Trap(5) == 105
// expect: Trap() == -1
// expect: Pick('00') == 2
// expect: Pick('000') == 3
