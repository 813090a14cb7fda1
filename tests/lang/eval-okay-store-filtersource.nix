# `filterSource` keeps the base name and drops what the filter rejects.
[
  (builtins.filterSource (p: t: true) ./drv-data/dir)
  (builtins.filterSource (p: t: t == "regular") ./drv-data/dir)
  (builtins.filterSource (p: t: baseNameOf p != "sub") ./drv-data/dir)
  (builtins.filterSource (p: t: false) ./drv-data/dir)
]
