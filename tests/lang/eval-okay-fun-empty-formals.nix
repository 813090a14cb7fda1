# a function with empty formals accepts the empty set
({ }: "ok") { }
