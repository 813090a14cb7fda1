# with on a non-set fails when a name is looked up through it
with 1; x
