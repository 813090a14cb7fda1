# --strict evaluates every attribute, reaching a throw
{ a = 1; b = throw "strict"; }
