# the legacy let form returns its body attribute
let { x = 1; body = x + 1; }
