// Assignment targets: variables, fields, slices, several fields, tuples (with discards),
// array elements and setters.

Assignments()
    vect_offset = 0x0;
    exception.syndrome<24:20> = ConditionSyndrome();
    exception.syndrome<5> = '1';
    HPFAR<31:4> = exception.ipaddress<39:12>;
    PSTATE.<A,I,F> = '111';
    (known, aarch32) = ELStateUsingAArch32K(el, secure);
    (-, el) = ELFromM32(mode);
    R[14] = preferred_exception_return + lr_offset;
    SPSR[] = spsr;
    SCR_GEN[].NS = '1';
// expect: [(Assign (Var 'vect_offset') (IntLit 0 True))
// expect:  (Assign (SliceExpr (Field (Var 'exception') 'syndrome') [(SliceRange (IntLit 24 False) (IntLit 20 False))]) (Call 'ConditionSyndrome' []))
// expect:  (Assign (SliceExpr (Field (Var 'exception') 'syndrome') [(SliceIndex (IntLit 5 False))]) (BitsLit '1'))
// expect:  (Assign (SliceExpr (Var 'HPFAR') [(SliceRange (IntLit 31 False) (IntLit 4 False))]) (SliceExpr (Field (Var 'exception') 'ipaddress') [(SliceRange (IntLit 39 False) (IntLit 12 False))]))
// expect:  (Assign (Fields (Var 'PSTATE') ['A' 'I' 'F']) (BitsLit '111'))
// expect:  (Assign (TupleExpr [(Var 'known') (Var 'aarch32')]) (Call 'ELStateUsingAArch32K' [(Var 'el') (Var 'secure')]))
// expect:  (Assign (TupleExpr [(Discard) (Var 'el')]) (Call 'ELFromM32' [(Var 'mode')]))
// expect:  (Assign (Index 'R' [(IntLit 14 False)]) (Binop '+' (Var 'preferred_exception_return') (Var 'lr_offset')))
// expect:  (Assign (Index 'SPSR' []) (Var 'spsr'))
// expect:  (Assign (Field (Index 'SCR_GEN' []) 'NS') (BitsLit '1'))]
