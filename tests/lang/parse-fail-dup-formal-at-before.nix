# The @ name given first repeating a formal: shown at the start of the function.
x:
  a@{ x, a }: x
