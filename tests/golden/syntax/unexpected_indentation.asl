// A line indented deeper than its block.
Check()
    a = 1;
        b = 2;
