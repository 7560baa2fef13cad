// && and || are lazy; if-expressions evaluate only the chosen branch.

boolean Boom()
    Unreachable();
    return TRUE;

// expect: !(FALSE && Boom())
// expect: TRUE || Boom()
// expect: (if TRUE then 1 else UInt(Ones(4) + Boom2())) == 1
// expect-error: FALSE || Boom() ~ Unreachable() was reached

bits(4) Boom2()
    Unreachable();
    return '0000';
