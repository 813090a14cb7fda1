# the with set is not evaluated if no name is looked up in it
with (throw "not evaluated"); 1
