# rec attributes win over with attributes
with { a = "with"; }; rec { a = "rec"; b = a; }.b
