// A statement that only names a value does nothing.
Check()
    disabled;
