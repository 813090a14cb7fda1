# rec cannot precede let
rec let a = 1; in a
