// A register value read as a whole flows without being a read; only the bits examined are
// read. SCR_GEN[].NS with SCR_GEN returning ZeroExtend(SCR_EL3) reads SCR_EL3.NS only, and
// HaveEL(EL3) && SCR_EL3.NS == '1' reads nothing when there is no EL3.

// register: SCR_EL3 64 NS=0 IRQ=1 RW=10
// layout: SCRType SCR_EL3
// state: SCR_EL3 = 0x401
// impdef: HaveEL(EL3) = FALSE

type SCRType;
constant bits(2) EL3 = '11';
constant bits(2) EL2 = '10';

boolean HaveEL(bits(2) el)
    return boolean IMPLEMENTATION_DEFINED;

SCRType SCR_GEN[]
    bits(64) r;
    r = ZeroExtend(SCR_EL3);
    return r;

boolean NonSecure()
    return SCR_GEN[].NS == '1';

boolean Guarded()
    return HaveEL(EL3) && SCR_EL3.NS == '1';

bits(64) Copy()
    r = SCR_EL3;
    s = r;
    return s;

boolean CopyThenWrite()
    r = SCR_EL3;
    SCR_EL3.NS = '0';
    return r.NS == '1' && SCR_EL3.NS == '0';

// expect: NonSecure()
// expect-reads: NonSecure() ~ SCR_EL3.NS
// expect-reads: Guarded() ~ none
// expect: !Guarded()
// expect-reads: Copy() ~ none
// expect-reads: UInt(Copy()) ~ SCR_EL3<63:0>
// expect-reads: Copy()<10> == '1' ~ SCR_EL3.RW
// expect: CopyThenWrite()

SCRType Patched()
    r = SCR_GEN[];
    r.IRQ = '1';
    r<63:32> = Ones(32);
    return r;

// expect: Patched().IRQ == '1' && Patched().NS == '1'
// expect-reads: Patched().IRQ == '1' ~ none
// expect-reads: Patched()<63:62> == '11' ~ none
// expect-reads: Patched().NS ~ SCR_EL3.NS
// expect-reads: UInt(Patched()) ~ SCR_EL3<31:2>, SCR_EL3.NS
