// Every simple statement ends with ';'.
Check()
    vect_offset = 0x0
    return;
