// run: Ratio(4, 0)
integer Ratio(integer a, integer b)
    return a DIV b;
