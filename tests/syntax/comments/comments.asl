// Line comments and block comments, also inside expressions and across lines.

/* A block comment
   over several lines, at the top level. */
integer Commented() // after the header
    /* before a statement */ x = 1 /* inside */ + 2;
    return x; // trailing
// expect: [(Assign (Var 'x') (Binop '+' (IntLit 1 False) (IntLit 2 False))) (Return (Var 'x'))]

// A comment in column 1 inside a body neither ends the definition nor changes the block.
integer CommentInColumnOne()
    if c then
        x = 1;
// in column one
        y = 2;
    return x;
// expect: [(If (Var 'c') [(Assign (Var 'x') (IntLit 1 False)) (Assign (Var 'y') (IntLit 2 False))] [] -) (Return (Var 'x'))]
