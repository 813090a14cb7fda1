# float addition is inexact: 0.1 + 0.2 is not 0.3
0.1 + 0.2 == 0.3
