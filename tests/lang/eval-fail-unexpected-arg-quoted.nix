# An unexpected argument whose name is not an identifier is shown quoted.
({ a }: a) { a = 1; "not an identifier" = 2; }
