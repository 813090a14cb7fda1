# the error inside a function only happens when it is called
(x: throw "called") 1
