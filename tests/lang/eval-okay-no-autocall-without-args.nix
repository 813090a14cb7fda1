# without --arg or --argstr a file that is a function is printed, not called
{ a ? 1, b ? 2 }: a + b
