// A character that is not ASL.
Check()
    x = a $ b;
