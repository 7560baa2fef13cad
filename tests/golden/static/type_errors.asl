integer F(boolean b, bits(4) x)
    if x then
        return 1;
    y = b + 1;
    return x;
