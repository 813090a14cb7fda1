# split with an escape that POSIX extended syntax does not have
builtins.split "\\d" "1"
