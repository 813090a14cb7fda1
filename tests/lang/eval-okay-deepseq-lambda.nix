# deepSeq does not call functions
builtins.deepSeq { f = x: throw "not called"; } "done"
