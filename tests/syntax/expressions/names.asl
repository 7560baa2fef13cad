// A dotted name followed by '(' is a qualified call; otherwise the dots are field accesses.
// Name[...] is an array element or getter; fields of calls and getters.

Names()
    a = AArch32.ExceptionClass(exceptype);
    b = exception.syndrome;
    c = exception.syndrome.NS;
    d = SCTLR[target_el].IESB;
    e = SCR_GEN[].NS;
    f = X[n];
    g = HCR_EL2.<NV,NV1,NV2>;
    h = ExcVectorBase()<31:5>;
    i = VBAR[]<63:11>;
// expect: [(Assign (Var 'a') (Call 'AArch32.ExceptionClass' [(Var 'exceptype')]))
// expect:  (Assign (Var 'b') (Field (Var 'exception') 'syndrome'))
// expect:  (Assign (Var 'c') (Field (Field (Var 'exception') 'syndrome') 'NS'))
// expect:  (Assign (Var 'd') (Field (Index 'SCTLR' [(Var 'target_el')]) 'IESB'))
// expect:  (Assign (Var 'e') (Field (Index 'SCR_GEN' []) 'NS'))
// expect:  (Assign (Var 'f') (Index 'X' [(Var 'n')]))
// expect:  (Assign (Var 'g') (Fields (Var 'HCR_EL2') ['NV' 'NV1' 'NV2']))
// expect:  (Assign (Var 'h') (SliceExpr (Call 'ExcVectorBase' []) [(SliceRange (IntLit 31 False) (IntLit 5 False))]))
// expect:  (Assign (Var 'i') (SliceExpr (Index 'VBAR' []) [(SliceRange (IntLit 63 False) (IntLit 11 False))]))]
