# a lexical binding wins even over an inner with
let x = "let"; in with { y = 1; }; with { x = "with"; }; x
