# --json prints integers including extremes
[ 0 (-1) 9223372036854775807 ]
