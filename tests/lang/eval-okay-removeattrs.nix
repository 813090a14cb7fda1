# removeAttrs drops the listed names and ignores missing ones
removeAttrs { a = 1; b = 2; c = 3; } [ "a" "c" "zz" ]
