# the language version
builtins.langVersion
