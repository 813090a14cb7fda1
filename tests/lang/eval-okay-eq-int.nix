# equal integers
3 == 3
