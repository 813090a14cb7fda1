# __curPos in an imported file refers to that file
let p = (import ./lib/curpos.nix).pos; in [ (baseNameOf p.file) p.line p.column ]
