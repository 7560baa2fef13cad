// The subject of a case is followed by 'of'.
Check()
    case CPACR_EL1.FPEN
        when 'x0' disabled = TRUE;
