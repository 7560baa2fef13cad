// A closing parenthesis with nothing to close.
Check()
    route_to_el2 = (target_el == EL1 && EL2Enabled()));
