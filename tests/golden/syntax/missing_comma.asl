// Arguments are separated by commas.
Check()
    AArch64.TakeException(EL2 exception);
