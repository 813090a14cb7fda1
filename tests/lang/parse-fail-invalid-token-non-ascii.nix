# Non-ASCII text outside a string is no token; an apostrophe alone neither.
{ a = 1; b = €; c = '; }
