# toJSON reports evaluation errors before serialisation errors
builtins.toJSON [ (builtins.substring 0 1 "é") (throw "evaluated first") ]
