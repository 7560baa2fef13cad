// What the tiny spec leaves to the implementation or to chance. Not Arm text.

enumeration Unpredictable {Unpredictable_RESMODE};

enumeration Constraint {Constraint_NONE, Constraint_UNKNOWN, Constraint_UNDEF, Constraint_TRUE,
                        Constraint_FALSE};

// The implementation (the explorer) chooses; a primitive asks the World.
Constraint ConstrainUnpredictable(Unpredictable which);

// The permitted results are only TRUE and FALSE: the explorer reads that from the assert.
boolean ConstrainUnpredictableBool(Unpredictable which)
    c = ConstrainUnpredictable(which);
    assert c IN {Constraint_TRUE, Constraint_FALSE};
    return (c == Constraint_TRUE);

// HaveFeature()
// =============

boolean HaveFeature()
    return boolean IMPLEMENTATION_DEFINED "Feature";
