# helper: a small attribute set
{ name = "lib-attrs"; value = 42; nested = { flag = true; }; }
