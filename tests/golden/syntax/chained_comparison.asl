// Comparisons do not chain.
Check()
    ok = 0 <= i < 32;
