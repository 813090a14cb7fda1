# `derivationStrict` splits an `outputs` string on whitespace.
builtins.derivationStrict { name = "outstr"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = "out\tdev  doc\n"; }
