# the truth table of ->
[ (true -> true) (true -> false) (false -> true) (false -> false) ]
