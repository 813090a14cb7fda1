# builtins.sort forces every element before calling the comparator.
builtins.sort (a: b: throw "comparator called first") [ 1 (throw "elements forced first") ]
