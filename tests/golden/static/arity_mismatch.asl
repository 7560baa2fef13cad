integer Add(integer a, integer b)
    return a + b;

integer F()
    return Add(1);
