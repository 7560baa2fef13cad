bits(4) F(bits(4) x)
    return x<5:2>;

bit G(bits(4) x)
    return x<1:3>;
