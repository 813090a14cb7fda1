# Output placeholders, alone and inside derivation attributes.
let d = derivation {
  name = "ph";
  builder = "/bin/sh";
  system = "x86_64-linux";
  outputs = [ "out" "bin" ];
  configureFlags = "--prefix=${placeholder "out"} --bindir=${placeholder "bin"}/bin";
};
in [ (placeholder "out") (builtins.placeholder "dev") d.drvPath d.outPath d.bin.outPath ]
