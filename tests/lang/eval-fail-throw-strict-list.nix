# --strict evaluates every list element, reaching a throw
[ 1 (throw "strict") ]
