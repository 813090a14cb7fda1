# interpolation in an absolute path
let d = "etc"; in /${d}/conf
