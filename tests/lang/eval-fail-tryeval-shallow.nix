# tryEval evaluates only to weak head normal form; printing finds the throw
builtins.tryEval { a = throw "later"; }
