# a function with only ... accepts any set
({ ... }: "ok") { x = 1; }
