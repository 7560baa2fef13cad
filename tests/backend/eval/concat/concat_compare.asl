// ':' binds tighter than '==', '!=' and IN, looser than arithmetic: the 2025 Arm ARM's
// ELIsInHost(EL0) tests `EffectiveHCR_EL2_E2H():HCR_EL2.TGE == '11'`, the two-bit
// concatenation compared with '11'.

bit E2H()
    return '1';

boolean HostEL0(bit tge)
    return E2H():tge == '11';

boolean NotHost(bit e2h, bit tge)
    return e2h:tge != '11';

boolean Masked(bit nse, bit ns)
    return nse:ns IN {'x1'};

// expect: HostEL0('1')
// expect: !HostEL0('0')
// expect: NotHost('0', '1') && NotHost('1', '0') && !NotHost('1', '1')
// expect: Masked('0', '1') && Masked('1', '1') && !Masked('1', '0')
// expect: '1':'0' == '10' && '01':'1' != '010'
// expect: UInt('1' : '01') + 1 == 6
