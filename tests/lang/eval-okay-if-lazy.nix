# the branch not taken is not evaluated
if 1 < 2 then "ok" else throw "not evaluated"
