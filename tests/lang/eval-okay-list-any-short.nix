# any stops at the first true element
builtins.any (x: x) [ true (throw "not evaluated") ]
