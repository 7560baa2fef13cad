// UNKNOWN, IMPLEMENTATION_DEFINED (with and without key), if-expressions (elsif becomes a
// nested IfExpr), IN sets with masks and numbers, tuples.

Special()
    a = bits(4) UNKNOWN;
    b = boolean UNKNOWN;
    c = boolean IMPLEMENTATION_DEFINED "Have SVE ISA";
    d = bits(1) IMPLEMENTATION_DEFINED "FPEXC.EN value when TGE==1 and RW==0";
    e = if PSTATE.T == '0' then InstrSet_A32 else InstrSet_T32;
    f = if x then 1 elsif y then 2 else 3;
    g = vect_offset + (if lower_32 then 0x600 else 0x400);
    h = ec IN {0x24,0x25} && iss<24> == '0';
    i = cond IN {'111x', '0000'};
    j = (a, b, -);
// expect: [(Assign (Var 'a') (Unknown (BitsType (IntLit 4 False))))
// expect:  (Assign (Var 'b') (Unknown (TypeName 'boolean')))
// expect:  (Assign (Var 'c') (ImpDef (TypeName 'boolean') 'Have SVE ISA'))
// expect:  (Assign (Var 'd') (ImpDef (BitsType (IntLit 1 False)) 'FPEXC.EN value when TGE==1 and RW==0'))
// expect:  (Assign (Var 'e') (IfExpr (Binop '==' (Field (Var 'PSTATE') 'T') (BitsLit '0')) (Var 'InstrSet_A32') (Var 'InstrSet_T32')))
// expect:  (Assign (Var 'f') (IfExpr (Var 'x') (IntLit 1 False) (IfExpr (Var 'y') (IntLit 2 False) (IntLit 3 False))))
// expect:  (Assign (Var 'g') (Binop '+' (Var 'vect_offset') (IfExpr (Var 'lower_32') (IntLit 1536 True) (IntLit 1024 True))))
// expect:  (Assign (Var 'h') (Binop '&&' (In (Var 'ec') [(ExprPattern (IntLit 36 True)) (ExprPattern (IntLit 37 True))])
// expect:    (Binop '==' (SliceExpr (Var 'iss') [(SliceIndex (IntLit 24 False))]) (BitsLit '0'))))
// expect:  (Assign (Var 'i') (In (Var 'cond') [(MaskPattern '111x') (ExprPattern (BitsLit '0000'))]))
// expect:  (Assign (Var 'j') (TupleExpr [(Var 'a') (Var 'b') (Discard)]))]
