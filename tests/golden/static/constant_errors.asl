// register: R 8
constant bits(8) C = R;
constant integer D = UInt('11');
constant integer K = K + 1;
constant integer A = B;
constant integer B = A;
bits(K) F()
    return Zeros();
