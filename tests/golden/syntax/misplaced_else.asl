// 'else' indented deeper than its 'if'.
Check()
    if a then
        x = 1;
        else
        x = 2;
