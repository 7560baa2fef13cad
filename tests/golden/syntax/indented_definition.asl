    // A definition must start in column 1.
    Check()
        return;
