# getEnv reads a variable from the environment
builtins.getEnv "TEST_VAR"
