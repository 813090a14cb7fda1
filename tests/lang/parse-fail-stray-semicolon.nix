# a semicolon after an expression
1;
