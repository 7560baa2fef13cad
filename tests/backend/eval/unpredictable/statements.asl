// UNPREDICTABLE is a run-time error unless the World makes a choice (the in-memory World
// makes none); SEE names another encoding and is an error when reached.

integer Decode(bits(2) op)
    if op == '11' then UNPREDICTABLE;
    if op == '10' then SEE "other encoding";
    return UInt(op);

// expect: Decode('01') == 1
// expect-error: Decode('11') ~ UNPREDICTABLE reached
// expect-error: Decode('10') ~ SEE "other encoding"
