# --strict evaluates deeply nested values
{ a = [ { b = throw "deep"; } ]; }
