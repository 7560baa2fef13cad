type Rec is (integer code, bits(4) flags)

integer F(Rec r)
    return r.cod;

boolean G(integer x)
    return x.flags == '0';
