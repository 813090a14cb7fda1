# A `file://` download whose hash differs from the expected one.
builtins.fetchurl { url = "file://${toString ./drv-data/hello.txt}"; sha256 = "0000000000000000000000000000000000000000000000000000"; }
