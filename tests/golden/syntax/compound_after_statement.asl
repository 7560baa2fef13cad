// A compound statement ('if', 'case', 'for', 'while', 'repeat') after another statement on
// the same line: only simple statements may follow one another on a line.
Check()
    y = 0; if HCR_EL2.TGE == '1' then y = 1;
