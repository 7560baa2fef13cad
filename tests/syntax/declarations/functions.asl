// Functions, procedures, qualified names, overloads, tuple results, bodyless declarations.

boolean HaveEL(bits(2) el)
    return TRUE;
// expect: (FuncDef 'HaveEL' [(Param (BitsType (IntLit 2 False)) 'el')] (TypeName 'boolean') [(Return (BoolLit True))])

AArch64.CheckFPAdvSIMDTrap()
    return;
// expect: (FuncDef 'AArch64.CheckFPAdvSIMDTrap' [] - [(Return -)])

AArch32.TakeHypTrapException(integer ec)
    return;
// expect: (FuncDef 'AArch32.TakeHypTrapException' [(Param (TypeName 'integer') 'ec')] - [(Return -)])

AArch32.TakeHypTrapException(ExceptionRecord exception)
    return;
// expect: (FuncDef 'AArch32.TakeHypTrapException' [(Param (TypeName 'ExceptionRecord') 'exception')] - [(Return -)])

(boolean,bits(2)) ELFromM32(bits(5) mode)
    return (TRUE, mode<1:0>);
// expect: (FuncDef 'ELFromM32' [(Param (BitsType (IntLit 5 False)) 'mode')]
// expect:   (TupleType [(TypeName 'boolean') (BitsType (IntLit 2 False))])
// expect:   [(Return (TupleExpr [(BoolLit True) (SliceExpr (Var 'mode') [(SliceRange (IntLit 1 False) (IntLit 0 False))])]))])

bits(N) ThisInstrAddr()
    return _PC<N-1:0>;
// expect: (FuncDef 'ThisInstrAddr' [] (BitsType (Var 'N'))
// expect:   [(Return (SliceExpr (Var '_PC') [(SliceRange (Binop '-' (Var 'N') (IntLit 1 False)) (IntLit 0 False))]))])

AArch32.EnterMode(bits(5) target_mode, bits(32) preferred_exception_return, integer lr_offset,
                  integer vect_offset)
    return;
// expect: (FuncDef 'AArch32.EnterMode' [(Param (BitsType (IntLit 5 False)) 'target_mode')
// expect:   (Param (BitsType (IntLit 32 False)) 'preferred_exception_return') (Param (TypeName 'integer') 'lr_offset')
// expect:   (Param (TypeName 'integer') 'vect_offset')] - [(Return -)])

integer ThisInstrLength();
// expect: (FuncDef 'ThisInstrLength' [] (TypeName 'integer') -)

bits(4) AArch32.CurrentCond();
// expect: (FuncDef 'AArch32.CurrentCond' [] (BitsType (IntLit 4 False)) -)

// Terminate processing of the current instruction.
EndOfInstruction();
// expect: (FuncDef 'EndOfInstruction' [] - -)
