constant bits(2) EL1 = '01';

bits(4) F(bits(2) el)
    bits(4) r = '101';
    if el == '001' then
        r = EL1;
    case el of
        when '1x1'
            r = '0000';
    return el;

G()
    x = F('1');
