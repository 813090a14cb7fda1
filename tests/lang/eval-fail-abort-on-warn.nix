# With abort-on-warn, builtins.warn prints its warning and then fails; tryEval cannot catch it.
builtins.tryEval (builtins.warn "beware" 1)
