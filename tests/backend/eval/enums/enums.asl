// Enumerations compare by member; IN over members.

enumeration Exception {Exception_IRQ, Exception_FIQ, Exception_DataAbort};

boolean Async(Exception e)
    return e IN {Exception_IRQ, Exception_FIQ};

// expect: Async(Exception_FIQ)
// expect: !Async(Exception_DataAbort)
// expect: Exception_IRQ != Exception_FIQ
