// A bodyless declaration needs a primitive of that name.
integer ThisIsNotAPrimitive(bits(4) x);

integer F()
    return ThisIsNotAPrimitive('0000');
