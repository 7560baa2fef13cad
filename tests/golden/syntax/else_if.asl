// 'else if' on one line: ASL writes 'elsif'.
Check()
    if a then
        x = 1;
    else if b then
        x = 2;
