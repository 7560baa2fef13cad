// A line that goes back out to no enclosing block.
Check()
    if a then
        b = 1;
      c = 2;
