# // does not evaluate the values it copies
({ a = throw "x"; b = 1; } // { c = 2; }).b
