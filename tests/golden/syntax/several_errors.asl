// Every broken definition is reported, not only the first.
First()
    x = 1

Second()
    return;

Third()
    if a b = 1;

Fourth()
    case x
        when '1' y = 1;
