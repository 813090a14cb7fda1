# nested sets and lists print with single spaces
{ a = [ 1 { b = [ ]; } ]; c = { }; }
