# Booleans cannot be ordered
true < false
