# a dynamic name written as an interpolated string
let n = "key"; in { "${n}-2" = 1; }
