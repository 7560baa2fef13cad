// Literals: decimal and hex integers, bit strings (spaces dropped, may be empty), masks,
// strings, booleans.

Literals()
    a = 42;
    b = 0x1F;
    c = '0101';
    d = '1111 0000';
    e = '';
    f = 'x1x';
    g = "a string";
    h = FALSE;
// expect: [(Assign (Var 'a') (IntLit 42 False)) (Assign (Var 'b') (IntLit 31 True))
// expect:  (Assign (Var 'c') (BitsLit '0101')) (Assign (Var 'd') (BitsLit '11110000')) (Assign (Var 'e') (BitsLit ''))
// expect:  (Assign (Var 'f') (MaskLit 'x1x')) (Assign (Var 'g') (StrLit 'a string')) (Assign (Var 'h') (BoolLit False))]
