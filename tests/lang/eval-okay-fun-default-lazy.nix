# an unused default is not evaluated
({ a ? throw "not evaluated", b }: b) { b = 1; }
