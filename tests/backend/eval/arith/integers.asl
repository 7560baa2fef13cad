// Integer arithmetic is unbounded; DIV and MOD round toward minus infinity.

integer Big()
    return 2 ^ 100 + 1;

// expect: Big() - 2 ^ 100 == 1
// expect: 7 DIV 2 == 3
// expect: -7 DIV 2 == -4
// expect: 7 MOD -2 == -1
// expect: -7 MOD 2 == 1
// expect: 3 * 4 - 10 == 2
// expect: 1 << 40 == 1099511627776
// expect: 1099511627776 >> 38 == 4
// expect: 12 / 4 == 3
// expect-error: 7 DIV 0 ~ division by zero
// expect-error: 7 / 2 ~ is not an integer
// expect: Min(3, -4) == -4 && Max(3, -4) == 3 && Abs(-9) == 9
// expect: Align(13, 4) == 12
