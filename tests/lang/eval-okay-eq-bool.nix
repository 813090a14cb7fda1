# true is not false
true == false
