# less-than on integers
1 < 2
