bits(4) Low(bits(8) x)
    return x <3:0>;
