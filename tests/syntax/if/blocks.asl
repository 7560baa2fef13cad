// Block form with elsif chains and nested blocks; a comparison `<` written with spaces.

Blocks()
    if PSTATE.EL == EL0 then
        AArch64.CheckFPAdvSIMDEnabled();
    elsif secure && el == EL2 then
        return (TRUE, FALSE);
    elsif a < b then
        if x then
            y = 1;
    else
        cpacr_asedis = CPACR.ASEDIS;
// expect: [(If (Binop '==' (Field (Var 'PSTATE') 'EL') (Var 'EL0')) [(CallStmt (Call 'AArch64.CheckFPAdvSIMDEnabled' []))]
// expect:   [(Elsif (Binop '&&' (Var 'secure') (Binop '==' (Var 'el') (Var 'EL2'))) [(Return (TupleExpr [(BoolLit True) (BoolLit False)]))])
// expect:    (Elsif (Binop '<' (Var 'a') (Var 'b')) [(If (Var 'x') [(Assign (Var 'y') (IntLit 1 False))] [] -)])]
// expect:   [(Assign (Var 'cpacr_asedis') (Field (Var 'CPACR') 'ASEDIS'))])]

Continued()
    if (HavePANExt() && (PSTATE.EL == EL1 || (PSTATE.EL == EL2 && ELIsInHost(EL0))) &&
        SCTLR[].SPAN == '0') then
        PSTATE.PAN = '1';
// expect: [(If (Binop '&&' (Binop '&&' (Call 'HavePANExt' []) (Binop '||' (Binop '==' (Field (Var 'PSTATE') 'EL') (Var 'EL1'))
// expect:   (Binop '&&' (Binop '==' (Field (Var 'PSTATE') 'EL') (Var 'EL2')) (Call 'ELIsInHost' [(Var 'EL0')]))))
// expect:   (Binop '==' (Field (Index 'SCTLR' []) 'SPAN') (BitsLit '0')))
// expect:   [(Assign (Field (Var 'PSTATE') 'PAN') (BitsLit '1'))] [] -)]
