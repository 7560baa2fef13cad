// Integer ranges `lo..hi` as patterns (IN sets and case arms), and a bit mask compared with
// '==' or '!=' (kept as written: the checker gives it its meaning).

Ranges()
    a = x IN {0..3, 42, Low..High};
    case n of
        when 0..3 b = 1;
        when 4, 5..Top
            b = 2;
    c = bv == '11xx0';
    d = '1x' != bv<1:0>;
// expect: [(Assign (Var 'a') (In (Var 'x') [(RangePattern (IntLit 0 False) (IntLit 3 False)) (ExprPattern (IntLit 42 False)) (RangePattern (Var 'Low') (Var 'High'))]))
// expect:  (Case (Var 'n')
// expect:   [(When [(RangePattern (IntLit 0 False) (IntLit 3 False))] [(Assign (Var 'b') (IntLit 1 False))])
// expect:    (When [(ExprPattern (IntLit 4 False)) (RangePattern (IntLit 5 False) (Var 'Top'))] [(Assign (Var 'b') (IntLit 2 False))])] -)
// expect:  (Assign (Var 'c') (Binop '==' (Var 'bv') (MaskLit '11xx0')))
// expect:  (Assign (Var 'd') (Binop '!=' (MaskLit '1x') (SliceExpr (Var 'bv') [(SliceRange (IntLit 1 False) (IntLit 0 False))])))]
