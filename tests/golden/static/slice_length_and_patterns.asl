// `lo+:w`, ranges and masks compared with '==' are checked like their other forms.
constant bits(2) Three = '11';
constant boolean Yes = TRUE;

bits(4) F(bits(4) x)
    return x<2+:3>;

bits(4) G(bits(4) x)
    return x<1+:0>;

bit H(bits(4) x)
    return x<TRUE+:1>;

bits(2) W(bits(8) x, integer n)
    y = x<0+:n>;
    bits(n) z = x<0+:n>;
    return z<1:0>;

boolean Ranges(bits(2) b, integer i)
    return b IN {0..2} || i IN {0..Three} || i IN {Yes..4};

boolean Masks(bits(4) b)
    return b == '1x0' || '1x' != 'x1' || 3 == '1x';
