// Records inside records, as the 2025 Arm ARM's ExceptionRecord holds an IssType syndrome:
// `except.syndrome.iss<2:0> = '001';` writes into the record held by the variable, and reading
// a nested record still gives a copy.

enumeration Exception {Exception_Uncategorized, Exception_SMEAccessTrap};

type IssType is (bits(25) iss, bits(24) iss2)

type ExceptionRecord is (Exception exceptype, IssType syndrome)

ExceptionRecord ExceptionSyndrome(Exception exceptype)
    ExceptionRecord r;
    r.exceptype = exceptype;
    r.syndrome.iss = Zeros(25);
    r.syndrome.iss2 = Zeros(24);
    return r;

bits(25) SMETrapISS()
    except = ExceptionSyndrome(Exception_SMEAccessTrap);
    except.syndrome.iss<2:0> = '001';
    except.syndrome.iss<24:20> = '11110';
    return except.syndrome.iss;

bits(24) WholeNested()
    except = ExceptionSyndrome(Exception_Uncategorized);
    IssType s;
    s.iss2 = Ones(24);
    except.syndrome = s;
    except.syndrome.iss2<0> = '0';
    return except.syndrome.iss2;

boolean NestedReadIsACopy()
    except = ExceptionSyndrome(Exception_Uncategorized);
    s = except.syndrome;
    s.iss<0> = '1';
    return except.syndrome.iss == Zeros(25) && s.iss<0> == '1';

// expect: SMETrapISS() == '1111000000000000000000001'
// expect: WholeNested() == '111111111111111111111110'
// expect: NestedReadIsACopy()
