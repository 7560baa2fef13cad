// Getters (non-assignment form) and setters (assignment form) of array-like accessors.

CPACRType CPACR[]
    return CPACR_EL1;
// expect: (GetterDef 'CPACR' [] (TypeName 'CPACRType') [(Return (Var 'CPACR_EL1'))])

bits(64) X[integer n]
    return _R[n];
// expect: (GetterDef 'X' [(Param (TypeName 'integer') 'n')] (BitsType (IntLit 64 False)) [(Return (Index '_R' [(Var 'n')]))])

// A getter declared without brackets (Armv8.6 `integer VL`): no parameter list at all.
integer VL
    return 128;
// expect: (GetterDef 'VL' - (TypeName 'integer') [(Return (IntLit 128 False))])

SPSR[] = bits(32) value
    _SPSR = value;
// expect: (SetterDef 'SPSR' [] (Param (BitsType (IntLit 32 False)) 'value') [(Assign (Var '_SPSR') (Var 'value'))])

X[integer n] = bits(64) value
    _R[n] = value;
// expect: (SetterDef 'X' [(Param (TypeName 'integer') 'n')] (Param (BitsType (IntLit 64 False)) 'value')
// expect:   [(Assign (Index '_R' [(Var 'n')]) (Var 'value'))])

SCTLRType SCTLR[bits(2) regime];
// expect: (GetterDef 'SCTLR' [(Param (BitsType (IntLit 2 False)) 'regime')] (TypeName 'SCTLRType') -)

ELR[] = bits(64) value;
// expect: (SetterDef 'ELR' [] (Param (BitsType (IntLit 64 False)) 'value') -)
