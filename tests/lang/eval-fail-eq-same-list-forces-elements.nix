# Comparing a list with itself still forces each element (the identity check comes after forcing)
let x = [ (throw "element forced") ]; in x == x
