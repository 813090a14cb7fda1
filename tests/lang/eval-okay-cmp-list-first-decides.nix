# the first differing element decides even if later ones are incomparable
[ 1 true ] < [ 2 "x" ]
