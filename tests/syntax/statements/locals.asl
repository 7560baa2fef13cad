// Typed locals with and without initialisers, and local constants.

Locals()
    integer a, b;
    bits(64) r;
    boolean known = TRUE;
    ExceptionRecord exception;
    constant integer k = 3;
    bits(N) result = Zeros();
// expect: [(VarDecl (TypeName 'integer') ['a' 'b'] - False)
// expect:  (VarDecl (BitsType (IntLit 64 False)) ['r'] - False)
// expect:  (VarDecl (TypeName 'boolean') ['known'] (BoolLit True) False)
// expect:  (VarDecl (TypeName 'ExceptionRecord') ['exception'] - False)
// expect:  (VarDecl (TypeName 'integer') ['k'] (IntLit 3 False) True)
// expect:  (VarDecl (BitsType (Var 'N')) ['result'] (Call 'Zeros' []) False)]
