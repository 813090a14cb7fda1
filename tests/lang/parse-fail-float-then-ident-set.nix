# an error after a float followed by letters, inside a set
let e = 1; in { a = 1.5e; b }
