# if extends as far right as possible
1 + (if true then 2 else 3) * 10
