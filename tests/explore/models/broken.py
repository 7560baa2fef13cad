"""Models with mistakes, for the crosscheck error tests. Each name says what is wrong."""


def raises(fields):
    if fields["FPEXC.EN"] == 0:
        return {"el": "EL1"}
    return 1 // 0


def malformed(fields):
    return 42


def bad_key(fields):
    return {"el": "EL1", "colour": "red"}


def misspelt_field(fields):
    return "permitted" if fields["FPEXC.ENN"] else {"el": "EL1"}


def unknown_register(fields):
    return "permitted" if fields["FPEXCC.EN"] else {"el": "EL1"}


def wide_field(fields):
    return "permitted" if fields["HSR"] else {"el": "EL1"}


def reads_profile_fact(fields):
    """Correct only where EL2 exists: asks the profile through the mapping."""
    if fields["FPEXC.EN"] == 0:
        return {"el": "EL1", "mode": "Undef", "undefined": True}
    if fields["HaveEL(EL2)"] and fields["CPTR_EL2.TFP"] == 1:
        return ("EL2", 0x07)
    return "permitted"
