# ... accepts extra arguments
({ a, ... }: a) { a = 1; b = 2; }
