# a function with formal arguments
({ a, b }: a - b) { a = 5; b = 3; }
