// register: ZCR_EL1 64 LEN=3:0
// A getter declared without brackets is named without them, and has no setter.
integer VL
    return (UInt(ZCR_EL1.LEN) + 1) * 128;

bits(32) SCR_GEN[]
    return Zeros();

integer F()
    VL = 256;
    return VL[] + SCR_GEN;
