// `lo+:w` inside a slice (`+:` is one token), alone, with expressions, in a slice list and
// as an assignment target.

LengthSlices()
    a = x<2+:3>;
    b = x<2, 7:5, 0+:3>;
    x<n-1+:w*2> = y;
    c = x<lo +: 4>;
// expect: [(Assign (Var 'a') (SliceExpr (Var 'x') [(SliceLength (IntLit 2 False) (IntLit 3 False))]))
// expect:  (Assign (Var 'b') (SliceExpr (Var 'x') [(SliceIndex (IntLit 2 False)) (SliceRange (IntLit 7 False) (IntLit 5 False)) (SliceLength (IntLit 0 False) (IntLit 3 False))]))
// expect:  (Assign (SliceExpr (Var 'x') [(SliceLength (Binop '-' (Var 'n') (IntLit 1 False)) (Binop '*' (Var 'w') (IntLit 2 False)))]) (Var 'y'))
// expect:  (Assign (Var 'c') (SliceExpr (Var 'x') [(SliceLength (Var 'lo') (IntLit 4 False))]))]
