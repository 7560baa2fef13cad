// A '<' directly after a literal opens a bit slice too (as after a name, ')' or ']'):
// bit strings, integers and parenthesised expressions can be sliced.

LiteralSlices()
    a = '1010'<3:1>;
    b = 5<3:0>;
    c = (x + 1)<1:0>;
    d = 0x1F<4>;
    if n < 5 then e = 1;
// expect: [(Assign (Var 'a') (SliceExpr (BitsLit '1010') [(SliceRange (IntLit 3 False) (IntLit 1 False))]))
// expect:  (Assign (Var 'b') (SliceExpr (IntLit 5 False) [(SliceRange (IntLit 3 False) (IntLit 0 False))]))
// expect:  (Assign (Var 'c') (SliceExpr (Binop '+' (Var 'x') (IntLit 1 False)) [(SliceRange (IntLit 1 False) (IntLit 0 False))]))
// expect:  (Assign (Var 'd') (SliceExpr (IntLit 31 True) [(SliceIndex (IntLit 4 False))]))
// expect:  (If (Binop '<' (Var 'n') (IntLit 5 False)) [(Assign (Var 'e') (IntLit 1 False))] [] -)]
