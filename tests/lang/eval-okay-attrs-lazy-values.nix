# attribute values are evaluated only when selected
{ a = throw "not evaluated"; b = 2; }.b
