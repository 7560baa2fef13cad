// A string needs its closing quote on the same line.
Check()
    SEE "Advanced SIMD;
