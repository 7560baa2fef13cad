// A repeat body is followed by 'until'.
Check()
    repeat
        i = i + 1;
    return;
