# less-or-equal on equal integers
2 <= 2
