// IMPLEMENTATION_DEFINED: a keyed one asks the World with its text; a keyless one is keyed
// by the enclosing function and its arguments, named by the one constant or enumeration
// member holding each value (HaveEL(EL2), HasArchVersion(ARMv8p1)), else as literals. An
// integer is always its number, even when an integer constant holds it (Length(256), as the
// profile keys ImplementedSVEVectorLength(256), not Length(MAX_PL)).

// impdef: HaveEL(EL2) = TRUE
// impdef: HaveEL(EL3) = FALSE
// impdef: HasArchVersion(ARMv8p1) = TRUE
// impdef: Twice('01', 3, TRUE) = 7
// impdef: FPEXC.EN value = '1'
// impdef: Length(256) = 128

enumeration ArchVersion {ARMv8p0, ARMv8p1};
constant bits(2) EL3 = '11';
constant bits(2) EL2 = '10';
constant bits(2) EL1 = '01';
constant bits(2) ALSO_EL1 = '01';

boolean HaveEL(bits(2) el)
    if el IN {EL1} then
        return TRUE;
    return boolean IMPLEMENTATION_DEFINED;

boolean HasArchVersion(ArchVersion version)
    return version == ARMv8p0 || boolean IMPLEMENTATION_DEFINED;

integer Twice(bits(2) el, integer n, boolean b)
    return integer IMPLEMENTATION_DEFINED;

constant integer MAX_PL = 256;

integer Length(integer nbits)
    return integer IMPLEMENTATION_DEFINED;

bits(1) En()
    return bits(1) IMPLEMENTATION_DEFINED "FPEXC.EN value";

// expect: HaveEL(EL2) && !HaveEL(EL3) && HaveEL(EL1)
// expect: HasArchVersion(ARMv8p1) && HasArchVersion(ARMv8p0)
// expect: Twice(EL1, 3, TRUE) == 7
// expect: En() == '1'
// expect: Length(MAX_PL) == 128
// expect: Length(256) == 128
// expect-error: HaveEL('00') ~ no answer for IMPLEMENTATION_DEFINED "HaveEL('00')"
