// A bit slice is closed by '>'.
Check()
    x = syndrome<24:20;
