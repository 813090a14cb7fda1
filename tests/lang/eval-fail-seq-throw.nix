# seq evaluates its first argument
builtins.seq (throw "first") 1
