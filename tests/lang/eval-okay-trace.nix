# trace returns its second argument
builtins.trace "message to stderr" 5
