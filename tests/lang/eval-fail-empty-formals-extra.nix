# a function with empty formals rejects any attribute
({ }: 1) { a = 1; }
