# A path literal ending in a slash is a lexer error with its own message.
let p = ./foo/; in p
