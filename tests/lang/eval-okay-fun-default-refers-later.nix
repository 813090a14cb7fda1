# a default may refer to a formal declared after it
({ a ? b + 1, b ? 1 }: a) { }
