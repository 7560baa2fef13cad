// assert failure and Unreachable() are run-time errors naming the assertion.

integer Checked(integer x)
    assert x > 0 && x < 10;
    return x;

integer Never(integer x)
    case x of
        when 1 return 1;
        otherwise Unreachable();
    return 0;

// expect: Checked(5) == 5
// expect-error: Checked(50) ~ assertion failed: x > 0 && x < 10
// expect: Never(1) == 1
// expect-error: Never(2) ~ Unreachable() was reached

integer Falls(integer x)
    if x > 0 then
        return x;

// expect: Falls(2) == 2
// expect-error: Falls(0) ~ Falls ended without returning a value
