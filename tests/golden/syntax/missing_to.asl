// A for loop counts 'to' or 'downto' its end value.
Check()
    for i = 0 31
        _Dclone[i] = D[i];
