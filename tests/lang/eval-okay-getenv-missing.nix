# getEnv of an unset variable is the empty string
builtins.getEnv "NIXEVAL_SURELY_UNSET_VARIABLE"
