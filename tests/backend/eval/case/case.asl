// case: the first matching arm runs; several patterns per arm; otherwise; constants and
// enumeration members as patterns; no match without otherwise is an error.

enumeration Colour {Colour_Red, Colour_Green, Colour_Blue};
constant bits(5) M32_Hyp = '11010';
constant bits(5) M32_Svc = '10011';

integer Name(Colour c)
    case c of
        when Colour_Red, Colour_Green
            return 1;
        otherwise
            return 2;

integer Mode(bits(5) m)
    result = 0;
    case m of
        when M32_Hyp
            result = 2;
        when M32_Svc
            result = 1;
        when '1xxxx'
            result = 9;
    return result;

integer NoMatch(integer x)
    case x of
        when 1
            return 10;
    return 0;

// expect: Name(Colour_Green) == 1
// expect: Name(Colour_Blue) == 2
// expect: Mode('11010') == 2
// expect: Mode('10011') == 1
// expect: Mode('11111') == 9
// expect: NoMatch(1) == 10
// expect-error: NoMatch(2) ~ no 'when' arm of this case matches 2
