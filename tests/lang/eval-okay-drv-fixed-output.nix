# Fixed-output derivations: flat and recursive, every hash encoding.
let
  fo = name: attrs: derivation ({ inherit name; builder = "/bin/sh"; system = "x86_64-linux"; } // attrs);
  a = fo "flat-hex" { outputHash = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"; outputHashAlgo = "sha256"; };
  b = fo "flat-sri" { outputHash = "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="; };
  c = fo "rec-nix32" { outputHash = "0sxngb8c5dkmjf0jvzqbpnzh1qp1sx8nyr1ycq2kfak5mf1hpdyp"; outputHashAlgo = "sha256"; outputHashMode = "recursive"; };
  d = fo "sha1" { outputHash = "f572d396fae9206628714fb2ce00f72e94f2258f"; outputHashAlgo = "sha1"; };
  e = fo "sha512" { outputHash = "sha512-58IrmUxZ2c8rSOVJseJGZmNgRZMNPafBrLKZ0cO3+TH5Sq5B7dosKyB6NuEPi8uNRSI+VIePWzFufOO2vAGWKQ=="; };
  f = fo "md5" { outputHash = "b1946ac92492d2347c6235b4d2611184"; outputHashAlgo = "md5"; };
  g = fo "flat-mode" { outputHash = "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="; outputHashMode = "flat"; };
in map (x: [ x.drvPath x.outPath ]) [ a b c d e f g ]
