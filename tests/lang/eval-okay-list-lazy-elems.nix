# list elements are not evaluated by length
builtins.length [ (throw "a") (throw "b") ]
