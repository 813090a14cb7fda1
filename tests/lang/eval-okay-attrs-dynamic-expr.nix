# a dynamic name computed by an expression
{ ${if true then "yes" else "no"} = 1; }
