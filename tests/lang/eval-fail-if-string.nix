# if with a string condition
if "true" then 2 else 3
