// One-line arms: several patterns, masks, several statements on one arm, otherwise.

(integer,bit) ExceptionClass(Exception exceptype)
    case exceptype of
        when Exception_Uncategorized        ec = 0x00; il = '1';
        when Exception_CP15RTTrap           ec = 0x03;           assert from_32;
        when Exception_WFxTrap, Exception_FPIDTrap ec = 0x01;
        otherwise                           Unreachable();
    return (ec,il);
// expect: [(Case (Var 'exceptype')
// expect:   [(When [(ExprPattern (Var 'Exception_Uncategorized'))] [(Assign (Var 'ec') (IntLit 0 True)) (Assign (Var 'il') (BitsLit '1'))])
// expect:    (When [(ExprPattern (Var 'Exception_CP15RTTrap'))] [(Assign (Var 'ec') (IntLit 3 True)) (Assert (Var 'from_32'))])
// expect:    (When [(ExprPattern (Var 'Exception_WFxTrap')) (ExprPattern (Var 'Exception_FPIDTrap'))] [(Assign (Var 'ec') (IntLit 1 True))])]
// expect:   [(CallStmt (Call 'Unreachable' []))])
// expect:  (Return (TupleExpr [(Var 'ec') (Var 'il')]))]

Masks()
    case CPACR_EL1.FPEN of
        when 'x0' disabled = TRUE;
        when '01' disabled = PSTATE.EL == EL0;
        when '1 1' disabled = FALSE;
// expect: [(Case (Field (Var 'CPACR_EL1') 'FPEN')
// expect:   [(When [(MaskPattern 'x0')] [(Assign (Var 'disabled') (BoolLit True))])
// expect:    (When [(ExprPattern (BitsLit '01'))] [(Assign (Var 'disabled') (Binop '==' (Field (Var 'PSTATE') 'EL') (Var 'EL0')))])
// expect:    (When [(ExprPattern (BitsLit '11'))] [(Assign (Var 'disabled') (BoolLit False))])] -)]
