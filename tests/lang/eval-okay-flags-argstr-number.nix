# --argstr passes its value as a string even when it looks like a number
{ s }: builtins.typeOf s
