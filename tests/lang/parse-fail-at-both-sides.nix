# an @ pattern on both sides of the formals
a@{ x }@b: x
