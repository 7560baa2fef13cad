// for (to and downto), while, repeat; a return inside a loop leaves the function.

integer Sum(integer n)
    total = 0;
    for i = 1 to n
        total = total + i;
    return total;

integer Down()
    bits(4) acc = '0000';
    for i = 3 downto 0
        acc<i> = if i MOD 2 == 0 then '1' else '0';
    return UInt(acc);

integer FirstSet(bits(8) x)
    for i = 0 to 7
        if x<i> == '1' then
            return i;
    return -1;

integer Halve(integer x)
    steps = 0;
    while x > 1 do
        x = x DIV 2;
        steps = steps + 1;
    return steps;

integer Count()
    n = 0;
    repeat
        n = n + 1;
    until n >= 3;
    return n;

integer Forever()
    while TRUE do
        x = 1;
    return 0;

// expect: Sum(10) == 55
// expect: Sum(0) == 0
// expect: Down() == 5
// expect: FirstSet('00101000') == 3
// expect: FirstSet('00000000') == -1
// expect: Halve(1024) == 10
// expect: Count() == 3
