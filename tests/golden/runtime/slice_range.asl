// run: Bit('1010', 4)
bit Bit(bits(4) x, integer i)
    return x<i>;
