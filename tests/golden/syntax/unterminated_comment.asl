// A block comment that never ends.
Check()
    x = 1; /* note
    return;
