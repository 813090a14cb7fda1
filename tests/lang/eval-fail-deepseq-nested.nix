# deepSeq evaluates nested values
builtins.deepSeq { a = [ (throw "nested") ]; } 1
