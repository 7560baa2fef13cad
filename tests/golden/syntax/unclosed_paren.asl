// An opening parenthesis never closed swallows the following lines.
Check()
    route_to_el2 = (target_el == EL1 && EL2Enabled();
    return;
