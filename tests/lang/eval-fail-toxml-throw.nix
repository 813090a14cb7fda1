# toXML forces everything it shows
builtins.toXML { a = [ 1 (throw "inside toXML") ]; }
