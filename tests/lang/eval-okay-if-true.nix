# if with a true condition
if true then "yes" else "no"
