// Statements go inside a definition's indented body.
x = 1;
