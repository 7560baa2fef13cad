// for (to and downto), while .. do, repeat .. until.

Loops()
    for i = 0 to 31
        _Dclone[i] = D[i];
    for n = N-1 downto 0
        x = x + 1;
    while i < 10 do
        i = i + 1;
    repeat
        i = i - 1;
    until i == 0;
// expect: [(For 'i' (IntLit 0 False) (IntLit 31 False) False [(Assign (Index '_Dclone' [(Var 'i')]) (Index 'D' [(Var 'i')]))])
// expect:  (For 'n' (Binop '-' (Var 'N') (IntLit 1 False)) (IntLit 0 False) True [(Assign (Var 'x') (Binop '+' (Var 'x') (IntLit 1 False)))])
// expect:  (While (Binop '<' (Var 'i') (IntLit 10 False)) [(Assign (Var 'i') (Binop '+' (Var 'i') (IntLit 1 False)))])
// expect:  (Repeat [(Assign (Var 'i') (Binop '-' (Var 'i') (IntLit 1 False)))] (Binop '==' (Var 'i') (IntLit 0 False)))]

OneLineWhile()
    while busy do Wait();
// expect: [(While (Var 'busy') [(CallStmt (Call 'Wait' []))])]
