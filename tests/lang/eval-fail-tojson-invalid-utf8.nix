# toJSON refuses strings that are not UTF-8
builtins.toJSON { a = builtins.substring 0 1 "é"; }
