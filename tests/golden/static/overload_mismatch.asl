type Rec is (integer code)

Trap(integer ec)
    return;

Trap(Rec r)
    return;

F()
    Trap(TRUE);
