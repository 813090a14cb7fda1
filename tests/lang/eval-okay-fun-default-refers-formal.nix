# a default may refer to another formal
({ a, b ? a * 2 }: b) { a = 4; }
