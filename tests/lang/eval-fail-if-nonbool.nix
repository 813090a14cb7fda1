# if with an integer condition
if 1 then 2 else 3
