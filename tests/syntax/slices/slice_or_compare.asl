// '<' directly after a name, ')' or ']' opens a bit slice; with a space before it, it
// compares. Slice bounds are arithmetic, so the closing '>' is never a comparison.

SliceOrCompare()
    if x<3:0> == '1010' then y = 1;
    if a < b then y = 2;
    if a > b<1> then y = 3;
    z = x<N-1:0>;
    w = x<7:4, 0>;
    v = F(a)<2> : G[b]<1:0>;
// expect: [(If (Binop '==' (SliceExpr (Var 'x') [(SliceRange (IntLit 3 False) (IntLit 0 False))]) (BitsLit '1010')) [(Assign (Var 'y') (IntLit 1 False))] [] -)
// expect:  (If (Binop '<' (Var 'a') (Var 'b')) [(Assign (Var 'y') (IntLit 2 False))] [] -)
// expect:  (If (Binop '>' (Var 'a') (SliceExpr (Var 'b') [(SliceIndex (IntLit 1 False))])) [(Assign (Var 'y') (IntLit 3 False))] [] -)
// expect:  (Assign (Var 'z') (SliceExpr (Var 'x') [(SliceRange (Binop '-' (Var 'N') (IntLit 1 False)) (IntLit 0 False))]))
// expect:  (Assign (Var 'w') (SliceExpr (Var 'x') [(SliceRange (IntLit 7 False) (IntLit 4 False)) (SliceIndex (IntLit 0 False))]))
// expect:  (Assign (Var 'v') (Binop ':' (SliceExpr (Call 'F' [(Var 'a')]) [(SliceIndex (IntLit 2 False))]) (SliceExpr (Index 'G' [(Var 'b')]) [(SliceRange (IntLit 1 False) (IntLit 0 False))])))]
