// Masks ('x0') match only their non-x positions, in case and in IN {...}.

integer Classify(bits(2) fpen)
    case fpen of
        when 'x0' return 0;
        when '01' return 1;
        when '11' return 3;

boolean IsEven(bits(3) v)
    return v IN {'xx0'};

// expect: Classify('00') == 0
// expect: Classify('10') == 0
// expect: Classify('01') == 1
// expect: Classify('11') == 3
// expect: IsEven('110') && !IsEven('111')
// expect: '101' IN {'1x1', '000'}
// expect: !('100' IN {'1x1', '000'})

boolean InVariables(bits(2) x, bits(2) a, bits(2) b)
    return x IN {a, b, '11'};

integer CaseOnVariable(integer x, integer y)
    case x of
        when y return 1;
        otherwise return 0;

// expect: InVariables('01', '00', '01') && InVariables('11', '00', '01') && !InVariables('10', '00', '01')
// expect: CaseOnVariable(3, 3) == 1 && CaseOnVariable(3, 4) == 0
