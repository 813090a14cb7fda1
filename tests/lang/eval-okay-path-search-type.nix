# <name> has type path
builtins.typeOf <sub>
