// Enumerations, records, abstract types, aliases, constants, globals and arrays.

enumeration InstrSet {InstrSet_A64, InstrSet_A32, InstrSet_T32};
// expect: (EnumDecl 'InstrSet' ['InstrSet_A64' 'InstrSet_A32' 'InstrSet_T32'])

enumeration Exception {Exception_Uncategorized,       // Uncategorized or unknown reason
                       Exception_WFxTrap,             // Trapped WFI or WFE instruction
                       // Trapped BXJ instruction not supported in Armv8
                       Exception_FIQ};                // FIQ interrupt
// expect: (EnumDecl 'Exception' ['Exception_Uncategorized' 'Exception_WFxTrap' 'Exception_FIQ'])

type ExceptionRecord is (Exception exceptype,         // Exception class
                         bits(25)  syndrome,          // Syndrome record
                         boolean   ipavalid)          // valid
// expect: (RecordDecl 'ExceptionRecord' [(Param (TypeName 'Exception') 'exceptype')
// expect:   (Param (BitsType (IntLit 25 False)) 'syndrome') (Param (TypeName 'boolean') 'ipavalid')])

type ProcState is (
    bits (1) N,        // Negative condition flag
    bits (2) EL,       // Exception Level
    bits (5) M         // Mode field
)
// expect: (RecordDecl 'ProcState' [(Param (BitsType (IntLit 1 False)) 'N') (Param (BitsType (IntLit 2 False)) 'EL')
// expect:   (Param (BitsType (IntLit 5 False)) 'M')])

type Pair is (integer a, integer b);
// expect: (RecordDecl 'Pair' [(Param (TypeName 'integer') 'a') (Param (TypeName 'integer') 'b')])

type CPACRType;
// expect: (TypeDecl 'CPACRType')

type Word = bits(32);
// expect: (TypeAlias 'Word' (BitsType (IntLit 32 False)))

constant bits(2) EL3 = '11';
// expect: (ConstDecl (BitsType (IntLit 2 False)) 'EL3' (BitsLit '11'))

constant integer MAX_VL = 2048;
// expect: (ConstDecl (TypeName 'integer') 'MAX_VL' (IntLit 2048 False))

bits(2) PSTATE_EL;
// expect: (GlobalDecl (BitsType (IntLit 2 False)) 'PSTATE_EL' -)

integer counter = 0x10;
// expect: (GlobalDecl (TypeName 'integer') 'counter' (IntLit 16 True))

array bits(64) _Dclone[0..31];
// expect: (GlobalDecl (ArrayType (BitsType (IntLit 64 False)) (IntLit 0 False) (IntLit 31 False)) '_Dclone' -)
