# Several outputs: paths named after the output, per-output sets, `all` in output order.
let d = derivation { name = "multi-1.0"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "out" "dev" "lib" ]; };
in {
  drv = d.drvPath;
  out = d.outPath;
  dev = d.dev.outPath;
  lib = d.lib.outPath;
  names = map (o: o.outputName) d.all;
  devName = d.dev.outputName;
  same = d.dev.drvPath == d.drvPath;
}
