# a passed argument overrides the default
({ a, b ? 10 }: a + b) { a = 1; b = 2; }
