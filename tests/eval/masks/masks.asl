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
