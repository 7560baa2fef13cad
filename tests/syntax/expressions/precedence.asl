// Operator precedence (loosest first): '&&' '||'; '==' '!='; comparisons and IN; ':';
// '+' '-' EOR AND OR; '*' '/' DIV MOD '<<' '>>'; '^'; unary '-' '!' NOT.

Precedence()
    a = x + y * z;
    b = x - y - z;
    c = p && q || r;
    d = HVBAR<31:5>:vect_offset<4:0>;
    e = ec<5:0>:il:iss;
    f = x + 1 == y * 2;
    g = i MOD 7 DIV 2 << 1;
    h = x AND y OR z EOR w;
    i = -x ^ 2;
    j = NOT x AND y;
    k = !(a IN {EL1, EL0}) && b >= c;
    l = a + b:c;
    m = EffectiveHCR_EL2_E2H():HCR_EL2.TGE == '11';
    n = a:b IN {'1x'} && c:d != '00';
// expect: [(Assign (Var 'a') (Binop '+' (Var 'x') (Binop '*' (Var 'y') (Var 'z'))))
// expect:  (Assign (Var 'b') (Binop '-' (Binop '-' (Var 'x') (Var 'y')) (Var 'z')))
// expect:  (Assign (Var 'c') (Binop '||' (Binop '&&' (Var 'p') (Var 'q')) (Var 'r')))
// expect:  (Assign (Var 'd') (Binop ':' (SliceExpr (Var 'HVBAR') [(SliceRange (IntLit 31 False) (IntLit 5 False))]) (SliceExpr (Var 'vect_offset') [(SliceRange (IntLit 4 False) (IntLit 0 False))])))
// expect:  (Assign (Var 'e') (Binop ':' (Binop ':' (SliceExpr (Var 'ec') [(SliceRange (IntLit 5 False) (IntLit 0 False))]) (Var 'il')) (Var 'iss')))
// expect:  (Assign (Var 'f') (Binop '==' (Binop '+' (Var 'x') (IntLit 1 False)) (Binop '*' (Var 'y') (IntLit 2 False))))
// expect:  (Assign (Var 'g') (Binop '<<' (Binop 'DIV' (Binop 'MOD' (Var 'i') (IntLit 7 False)) (IntLit 2 False)) (IntLit 1 False)))
// expect:  (Assign (Var 'h') (Binop 'EOR' (Binop 'OR' (Binop 'AND' (Var 'x') (Var 'y')) (Var 'z')) (Var 'w')))
// expect:  (Assign (Var 'i') (Binop '^' (Unop '-' (Var 'x')) (IntLit 2 False)))
// expect:  (Assign (Var 'j') (Binop 'AND' (Unop 'NOT' (Var 'x')) (Var 'y')))
// expect:  (Assign (Var 'k') (Binop '&&' (Unop '!' (In (Var 'a') [(ExprPattern (Var 'EL1')) (ExprPattern (Var 'EL0'))])) (Binop '>=' (Var 'b') (Var 'c'))))
// expect:  (Assign (Var 'l') (Binop ':' (Binop '+' (Var 'a') (Var 'b')) (Var 'c')))
// expect:  (Assign (Var 'm') (Binop '==' (Binop ':' (Call 'EffectiveHCR_EL2_E2H' []) (Field (Var 'HCR_EL2') 'TGE')) (BitsLit '11')))
// expect:  (Assign (Var 'n') (Binop '&&' (In (Binop ':' (Var 'a') (Var 'b')) [(MaskPattern '1x')]) (Binop '!=' (Binop ':' (Var 'c') (Var 'd')) (BitsLit '00'))))]
