# a default may refer to the enclosing scope
let c = 7; in ({ a ? c }: a) { }
