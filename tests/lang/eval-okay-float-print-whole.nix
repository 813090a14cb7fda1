# a whole float prints without a decimal point
1.0
