// run: Outer(3)
integer Inner(integer x)
    assert x > 5;
    return x;

integer Middle(integer x)
    return Inner(x) + 1;

integer Outer(integer x)
    return Middle(x);
