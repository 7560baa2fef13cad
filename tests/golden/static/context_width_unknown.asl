integer F()
    x = Zeros();
    return UInt(x);
