// An assignment needs a value.
Check()
    x = ;
