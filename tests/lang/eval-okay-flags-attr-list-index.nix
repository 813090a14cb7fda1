# -A accepts a list index as a path component
{ xs = [ "zero" "one" "two" ]; }
