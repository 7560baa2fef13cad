constant bits(2) EL1 = '01';
enumeration Colour {Colour_Red};

F()
    EL1 = '10';
    Colour_Red = Colour_Red;
    constant integer k = 3;
    k = 4;
