# calling a function with formals on a non-set
({ a }: a) 1
