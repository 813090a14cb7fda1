# map over the empty list
map (x: throw "never") [ ]
