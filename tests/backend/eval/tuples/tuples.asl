// Tuples: returned, destructured into implicit locals, '-' discards.

(integer, bit) Classify(integer x)
    il = if x > 10 then '1' else '0';
    return (x * 2, il);

integer Use()
    (ec, il) = Classify(20);
    if il == '1' then
        ec = ec + 1;
    return ec;

integer Discard()
    (-, il) = Classify(3);
    return UInt(il);

// expect: Use() == 41
// expect: Discard() == 0
