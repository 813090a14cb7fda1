# an else-if chain
let n = 5; in if n < 3 then "small" else if n < 10 then "medium" else "large"
