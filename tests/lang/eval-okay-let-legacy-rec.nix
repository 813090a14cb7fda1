# the legacy let is recursive
let { body = a; a = b; b = "b"; }
