# if with a false condition
if false then "yes" else "no"
