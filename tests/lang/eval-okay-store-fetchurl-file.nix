# `fetchurl` and `fetchTarball` of local `file://` URLs: hashed, named after the URL or `name`.
[
  (builtins.fetchurl "file://${toString ./drv-data/hello.txt}")
  (builtins.fetchurl { url = "file://${toString ./drv-data/hello.txt}"; name = "greeting"; sha256 = "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq"; })
  (fetchTarball "file://${toString ./drv-data/top.tar.gz}")
  (fetchTarball { url = "file://${toString ./drv-data/top.tar.gz}"; name = "unpacked"; })
]
