# path literals may contain dots, dashes, pluses and underscores
baseNameOf ./a-b_c+d.e
