# inherit (e) does not evaluate e unless an attribute is used
{ inherit (throw "not evaluated") x; y = 1; }.y
