# --json prints a set with outPath as its outPath string
{ d = { outPath = "/some/where"; other = 1; }; }
