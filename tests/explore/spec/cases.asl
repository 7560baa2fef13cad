// The explorer's hand-made cases over CTL/CTLV. Not Arm text. Each function returns an
// integer or boolean, so its outcome is its value.

// Decide(): an enable bit, then a case with a mask arm; TRAP is read through the view.
integer Decide()
    if CTL.EN == '0' then
        return 0;
    case CTL.MODE of
        when '00'
            return 1;
        when '1x'
            return 2;
        otherwise
            if CTLV.TRAP == '1' then return 3;
    return 4;

// Consistent(): states with MODE '11' and TRAP set are inconsistent (the assert fails).
integer Consistent()
    assert !(CTL.MODE == '11' && CTL.TRAP == '1');
    return UInt(CTL.MODE);

// Gated(): an IMPLEMENTATION_DEFINED answer decides whether EN is read at all.
integer Gated()
    if HaveFeature() && CTL.EN == '1' then
        return 1;
    return 0;

// Reserved(): MODE '10' is reserved and CONSTRAINED UNPREDICTABLE.
boolean Reserved()
    case CTL.MODE of
        when '10'
            return ConstrainUnpredictableBool(Unpredictable_RESMODE);
        otherwise
            return CTL.MODE == '11';

// Equal(): one path, two outcomes, neither a product of value sets.
boolean Equal()
    return CTL.EN == CTL.TRAP;

// Overlap(): bit 1 is read first at a line that cannot tell its values apart, then MODE
// (bits 2:1) is compared whole: the explorer must not merge the values of bit 1 there.
integer Overlap()
    if CTL<1> IN {'x'} then
        if CTL.MODE == '11' then
            return 1;
    return 0;

// TwoClasses(): both bits of MODE read apart first, then together.
integer TwoClasses()
    if CTL<1> IN {'x'} && CTL<2> IN {'x'} then
        if CTL.MODE == '11' then
            return 1;
    return 0;

// CopiedFirst(): MODE is read into a local, then examined by a line that tells only '01'
// from the rest; the local is examined after: a run that took the rest as one class must
// still tell '10' from '00' and '11' there.
integer CopiedFirst()
    mode = CTL.MODE;
    if CTL.MODE == '01' then
        return 1;
    if mode == '10' then
        return 2;
    return 0;
