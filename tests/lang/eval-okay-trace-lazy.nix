# trace only happens when the expression is evaluated
let t = builtins.trace "never printed" 1; in 2
