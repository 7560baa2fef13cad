integer F()
    return countr + 1;

integer G(integer count)
    return count;
