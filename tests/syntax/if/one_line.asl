// One-line forms: `if c then stmt;`, several statements, `if c then s1; else s2;`, and a
// one-line then-part followed by elsif/else lines.

OneLine()
    if disabled then AArch64.AdvSIMDFPAccessTrap(EL1);
    if fpexc_en == '0' then UNDEFINED;
    if !HaveAnyAArch32() then return FALSE;
    if c then a = 1; b = 2;
    if c then a = 1; else a = 2;
// expect: [(If (Var 'disabled') [(CallStmt (Call 'AArch64.AdvSIMDFPAccessTrap' [(Var 'EL1')]))] [] -)
// expect:  (If (Binop '==' (Var 'fpexc_en') (BitsLit '0')) [(Undefined)] [] -)
// expect:  (If (Unop '!' (Call 'HaveAnyAArch32' [])) [(Return (BoolLit False))] [] -)
// expect:  (If (Var 'c') [(Assign (Var 'a') (IntLit 1 False)) (Assign (Var 'b') (IntLit 2 False))] [] -)
// expect:  (If (Var 'c') [(Assign (Var 'a') (IntLit 1 False))] [] [(Assign (Var 'a') (IntLit 2 False))])]

Mixed()
    if c then a = 1;
    elsif d then a = 2;
    else
        a = 3;
// expect: [(If (Var 'c') [(Assign (Var 'a') (IntLit 1 False))]
// expect:   [(Elsif (Var 'd') [(Assign (Var 'a') (IntLit 2 False))])] [(Assign (Var 'a') (IntLit 3 False))])]

AllOnOneLine()
    if a then x = 1; elsif b then x = 2; else x = 3;
    if a then x = 1; elsif b then x = 2;
// expect: [(If (Var 'a') [(Assign (Var 'x') (IntLit 1 False))] [(Elsif (Var 'b') [(Assign (Var 'x') (IntLit 2 False))])] [(Assign (Var 'x') (IntLit 3 False))])
// expect:  (If (Var 'a') [(Assign (Var 'x') (IntLit 1 False))] [(Elsif (Var 'b') [(Assign (Var 'x') (IntLit 2 False))])] -)]
