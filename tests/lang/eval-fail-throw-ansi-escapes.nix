# Escape sequences in an error message are dropped when standard error is not a terminal,
# and tabs become spaces up to the next multiple of 8 columns of the message.
let e = builtins.fromJSON "\"\\u001b\""; in
throw "found ${e}[1;35m\"configuration\"${e}[0m, col\tumn"
