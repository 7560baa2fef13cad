// Block arms, arms whose body is only a comment (empty: does nothing), block otherwise.

boolean BadMode(bits(5) mode)
    case mode of
        when M32_Monitor
            valid = HaveAArch32EL(EL3);
        when M32_FIQ, M32_IRQ
            // These modes are EL1 modes in Non-secure state.
            valid = HaveAArch32EL(EL1);
        when 3, 0x4
            // nothing to do
        otherwise
            valid = FALSE;           // Passed an illegal mode value
    return !valid;
// expect: [(Case (Var 'mode')
// expect:   [(When [(ExprPattern (Var 'M32_Monitor'))] [(Assign (Var 'valid') (Call 'HaveAArch32EL' [(Var 'EL3')]))])
// expect:    (When [(ExprPattern (Var 'M32_FIQ')) (ExprPattern (Var 'M32_IRQ'))] [(Assign (Var 'valid') (Call 'HaveAArch32EL' [(Var 'EL1')]))])
// expect:    (When [(ExprPattern (IntLit 3 False)) (ExprPattern (IntLit 4 True))] [])]
// expect:   [(Assign (Var 'valid') (BoolLit False))])
// expect:  (Return (Unop '!' (Var 'valid')))]

integer EmptyArms()
    case x of
        when '11'
            // enabled
    case y of
        when '00'
            return 5;
        otherwise
            // enabled
    return 0;
// expect: [(Case (Var 'x') [(When [(ExprPattern (BitsLit '11'))] [])] -)
// expect:  (Case (Var 'y') [(When [(ExprPattern (BitsLit '00'))] [(Return (IntLit 5 False))])] [])
// expect:  (Return (IntLit 0 False))]
