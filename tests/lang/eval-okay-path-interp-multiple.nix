# several interpolations in one path
let a = "x"; b = "y"; in /p/${a}-${b}/q
