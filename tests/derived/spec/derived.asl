// Values computed from unset bits. Not Arm text.

// Reduce()
// ========
// Reduce a length to one the implementation supports (as ImplementedSVEVectorLength()).

integer Reduce(integer nbits)
    return integer IMPLEMENTATION_DEFINED;

// Length()
// ========
// TRUE when the reduced length is 128: CTL.LEN and CTL.LEN2 only flow into arithmetic and
// the question's key, so where every length reduces to the same value they decide nothing.

boolean Length()
    integer vl = UInt(CTL.LEN);
    vl = Min(vl, UInt(CTL.LEN2));
    vl = Reduce((vl + 1) * 128);
    return vl == 128;

// Compared()
// ==========
// The same arithmetic, then compared: the fields are examined where the comparison is made.

boolean Compared()
    integer vl = UInt(CTL.LEN);
    vl = Max(vl, UInt(CTL.LEN2)) DIV 4;
    return (vl - 1) * 2 > 0;
