// Integer ranges `lo..hi` in IN sets and case arms: inclusive at both ends, bounds given as
// literals or constants, mixed with single values.

constant integer Top = 7;

boolean Small(integer x)
    return x IN {0..3, 42};

integer Bucket(integer x)
    case x of
        when 0..3 return 1;
        when 4, 5..Top return 2;
        when 42 return 3;
        otherwise return 0;

boolean Empty(integer x)
    return x IN {3..1};

// expect: Small(0) && Small(2) && Small(3) && Small(42)
// expect: !Small(4) && !Small(-1) && !Small(41) && !Small(43)
// expect: Bucket(0) == 1 && Bucket(3) == 1 && Bucket(4) == 2 && Bucket(7) == 2 && Bucket(8) == 0
// expect: Bucket(42) == 3 && Bucket(-5) == 0
// expect: !Empty(1) && !Empty(2) && !Empty(3)
// expect: 2 IN {0..3, 42} && !(5 IN {0..3, 42})
