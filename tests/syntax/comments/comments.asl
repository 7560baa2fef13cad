// Line comments and block comments, also inside expressions and across lines.

/* A block comment
   over several lines, at the top level. */
integer Commented() // after the header
    /* before a statement */ x = 1 /* inside */ + 2;
    return x; // trailing
// expect: [(Assign (Var 'x') (Binop '+' (IntLit 1 False) (IntLit 2 False))) (Return (Var 'x'))]
