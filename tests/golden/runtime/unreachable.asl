// run: Class(7)
integer Class(integer x)
    case x of
        when 1 return 10;
        otherwise Unreachable();
    return 0;
