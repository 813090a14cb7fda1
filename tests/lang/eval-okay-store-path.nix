# `builtins.path` with names, filters, flat hashing and expected hashes.
[
  (builtins.path { path = ./drv-data/hello.txt; })
  (builtins.path { path = ./drv-data/hello.txt; name = "renamed"; })
  (builtins.path { path = ./drv-data/hello.txt; recursive = false; })
  (builtins.path { path = ./drv-data/script.sh; recursive = false; })
  (builtins.path { path = ./drv-data/dir; })
  (builtins.path { path = ./drv-data/dir; name = "nologs"; filter = path: type: baseNameOf path != "skip.log"; })
  (builtins.path { path = ./drv-data/dir; name = "dirs-only"; filter = path: type: type == "directory"; })
  (builtins.path { path = ./drv-data/hello.txt; sha256 = "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw"; })
  (builtins.path { path = ./drv-data/hello.txt; recursive = false; name = "flat"; sha256 = "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq"; })
  (builtins.path { path = ./drv-data/dir; sha256 = "c227e5be36a4d8d39bdd089dc60521acb6460603d1fb5c5b75f82f162b17dd4d"; })
  (builtins.path { path = "${toString ./drv-data}/hello.txt"; })
]
