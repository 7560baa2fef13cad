// register: SCR_EL3 64 NS=0 RW=10
boolean F()
    return SCR_EL3.NSS == '1';
