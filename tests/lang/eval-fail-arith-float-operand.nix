# Multiplying a float by a non-number asks for a float, as the built-in mul does.
1.0 * true
