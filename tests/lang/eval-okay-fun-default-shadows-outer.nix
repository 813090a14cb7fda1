# a formal shadows an outer binding of the same name inside defaults
let a = "outer"; in ({ a ? "default", b ? a }: b) { }
