# if with a null condition
if null then 2 else 3
