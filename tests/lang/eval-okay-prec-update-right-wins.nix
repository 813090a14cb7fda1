# chained // takes the rightmost value
({ a = 1; } // { a = 2; } // { a = 3; }).a
