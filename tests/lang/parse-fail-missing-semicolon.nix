# an attribute binding without its semicolon
{ a = 1 }
