# a builtin prints as <PRIMOP>
builtins.add
