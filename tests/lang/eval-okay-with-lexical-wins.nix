# a let binding wins over a with attribute
let x = 1; in with { x = 2; }; x
