# Source paths in derivations are copied: files, executables, directories, symlinks.
let d = derivation {
  name = "sources";
  builder = ./drv-data/script.sh;
  system = "x86_64-linux";
  src = ./drv-data/dir;
  link = ./drv-data/dir/link;
  hello = "${./drv-data/hello.txt}";
};
in [ d.drvPath d.outPath (builtins.typeOf d.builder) ]
