# string concatenation with +
"foo" + "bar"
