# getContext does not coerce its argument
builtins.getContext ./lib/data.txt
