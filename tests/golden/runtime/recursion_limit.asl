// run: Down(1000000)
integer Down(integer n)
    if n == 0 then
        return 0;
    return Down(n - 1) + 1;
