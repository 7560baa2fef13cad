// Calls, return, assert and the special statements of the Arm ARM.

Simple()
    AArch64.TakeException(EL2, exception, preferred_exception_return, vect_offset);
    SynchronizeContext();
    assert HaveEL(EL2) && !IsSecure();
    UNDEFINED;
    UNPREDICTABLE;
    SEE "Advanced SIMD and floating-point";
    IMPLEMENTATION_DEFINED "FPEXC behaviour";
    return;
// expect: [(CallStmt (Call 'AArch64.TakeException' [(Var 'EL2') (Var 'exception') (Var 'preferred_exception_return') (Var 'vect_offset')]))
// expect:  (CallStmt (Call 'SynchronizeContext' []))
// expect:  (Assert (Binop '&&' (Call 'HaveEL' [(Var 'EL2')]) (Unop '!' (Call 'IsSecure' []))))
// expect:  (Undefined) (Unpredictable) (See 'Advanced SIMD and floating-point') (ImpDefStmt 'FPEXC behaviour') (Return -)]

boolean Result()
    return version == ARMv8p0 || boolean IMPLEMENTATION_DEFINED;
// expect: [(Return (Binop '||' (Binop '==' (Var 'version') (Var 'ARMv8p0')) (ImpDef (TypeName 'boolean') -)))]

Several()
    fpexc_check = TRUE; advsimd = TRUE;
// expect: [(Assign (Var 'fpexc_check') (BoolLit True)) (Assign (Var 'advsimd') (BoolLit True))]
