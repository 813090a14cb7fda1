# selecting an attribute with a quoted name
{ "a b" = 5; }."a b"
