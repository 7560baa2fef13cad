// run: Spin()
// limits: steps=1000
integer Spin()
    x = 0;
    while TRUE do
        x = x + 1;
    return x;
