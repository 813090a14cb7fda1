# `fetchTree` of a local path: a `source` store path and its NAR hash.
let t = builtins.fetchTree { type = "path"; path = toString ./drv-data/dir; lastModified = 1234567890; };
in [ t.outPath t.narHash t.lastModified t.lastModifiedDate ]
