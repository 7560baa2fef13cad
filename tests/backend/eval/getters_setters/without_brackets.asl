// A getter declared without brackets (Armv8.6 `integer VL`) is called as a plain name, and
// runs each time it is named (VL reads ZCR_EL1.LEN, as the Arm text's VL does).

// register: ZCR_EL1 64 LEN=3:0
// state: ZCR_EL1 = 0x3

integer VL
    integer vl;
    vl = UInt(ZCR_EL1.LEN);
    return (vl + 1) * 128;

integer Lanes(boolean sve)
    integer vl = if sve then VL else 128;
    return vl DIV 8;

integer Twice()
    return VL + VL;

// expect: VL == 512
// expect: Lanes(TRUE) == 64
// expect: Lanes(FALSE) == 16
// expect: Twice() == 1024
// expect-reads: Twice() ~ ZCR_EL1.LEN, ZCR_EL1.LEN
// expect-reads: Lanes(FALSE) ~ none
