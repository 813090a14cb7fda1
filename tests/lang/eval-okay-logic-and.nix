# && of two true values
true && true
