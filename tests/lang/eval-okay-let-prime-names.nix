# identifiers may contain primes
let x' = 1; x'' = 2; in x' + x''
