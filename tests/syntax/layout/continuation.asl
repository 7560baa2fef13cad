// Line breaks inside (), [] and {} continue the line; blank and comment-only lines do not
// affect indentation; tabs count to the next multiple of 8 columns.

boolean ELIsInHost(bits(2) el)
    return ((IsSecureEL2Enabled() || !IsSecureBelowEL3()) && HaveVirtHostExt() &&
            HCR_EL2.E2H == '1' && (el == EL2 || (el == EL0 && HCR_EL2.TGE == '1')));
// expect: [(Return (Binop '&&' (Binop '&&' (Binop '&&' (Binop '||' (Call 'IsSecureEL2Enabled' []) (Unop '!' (Call 'IsSecureBelowEL3' [])))
// expect:   (Call 'HaveVirtHostExt' [])) (Binop '==' (Field (Var 'HCR_EL2') 'E2H') (BitsLit '1')))
// expect:   (Binop '||' (Binop '==' (Var 'el') (Var 'EL2')) (Binop '&&' (Binop '==' (Var 'el') (Var 'EL0')) (Binop '==' (Field (Var 'HCR_EL2') 'TGE') (BitsLit '1'))))))]

Gaps()

    a = 1;

        // a comment deeper than the code does not open a block
    b = X[1,
          2];
    if c IN {EL0,
             EL1} then
        d = 1;
// expect: [(Assign (Var 'a') (IntLit 1 False)) (Assign (Var 'b') (Index 'X' [(IntLit 1 False) (IntLit 2 False)]))
// expect:  (If (In (Var 'c') [(ExprPattern (Var 'EL0')) (ExprPattern (Var 'EL1'))]) [(Assign (Var 'd') (IntLit 1 False))] [] -)]

Tabs()
	a = 1;
        b = 2;
// expect: [(Assign (Var 'a') (IntLit 1 False)) (Assign (Var 'b') (IntLit 2 False))]
