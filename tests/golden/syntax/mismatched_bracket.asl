// A bracket closed by the wrong kind of bracket.
Check()
    x = R[14);
