// The condition of a while is followed by 'do'.
Check()
    while i < 10
        i = i + 1;
