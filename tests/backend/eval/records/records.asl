// Records: field reads and writes, slice writes into fields, value semantics on
// assignment, argument passing and return.

enumeration Exception {Exception_Uncategorized, Exception_AdvSIMDFPAccessTrap};

type ExceptionRecord is (Exception exceptype, bits(25) syndrome, boolean ipavalid)

ExceptionRecord ExceptionSyndrome(Exception exceptype)
    ExceptionRecord r;
    r.exceptype = exceptype;
    r.syndrome = Zeros();
    r.ipavalid = FALSE;
    return r;

bits(25) Syndrome(boolean advsimd)
    exception = ExceptionSyndrome(Exception_AdvSIMDFPAccessTrap);
    exception.syndrome<24:20> = '11110';
    if advsimd then
        exception.syndrome<5> = '1';
    else
        exception.syndrome<5> = '0';
        exception.syndrome<3:0> = '1010';
    return exception.syndrome;

boolean CopyIsIndependent()
    a = ExceptionSyndrome(Exception_Uncategorized);
    b = a;
    b.ipavalid = TRUE;
    return !a.ipavalid && b.ipavalid;

Clobber(ExceptionRecord r)
    r.ipavalid = TRUE;
    return;

boolean ArgumentIsCopied()
    a = ExceptionSyndrome(Exception_Uncategorized);
    Clobber(a);
    return !a.ipavalid;

// expect: Syndrome(TRUE) == '1111000000000000000100000'
// expect: Syndrome(FALSE) == '1111000000000000000001010'
// expect: ExceptionSyndrome(Exception_AdvSIMDFPAccessTrap).exceptype == Exception_AdvSIMDFPAccessTrap
// expect: CopyIsIndependent()
// expect: ArgumentIsCopied()
