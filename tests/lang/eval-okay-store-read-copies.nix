# Store paths of copied sources and of `toFile` results can be read back: import, readFile,
# readDir (a filtered copy lists only what its filter kept), pathExists, hashFile.
let
  dir = ./drv-data/dir;
  filtered = builtins.path { path = dir; name = "filtered"; filter = p: t: baseNameOf p != "skip.log"; };
  f = builtins.toFile "expr.nix" "{ y = 2; }";
in
{
  importToFile = import f;
  importInterp = (import "${builtins.toFile "fn.nix" "x: x + 1"}") 41;
  readCopy = builtins.readFile "${dir}/a.txt";
  readSub = builtins.readFile "${dir}/sub/b.txt";
  readDirCopy = builtins.readDir "${dir}";
  readDirFiltered = builtins.readDir filtered;
  filteredGone = builtins.pathExists "${filtered}/skip.log";
  filteredKept = builtins.pathExists "${filtered}/sub/b.txt";
  hashToFile = builtins.hashFile "sha256" f;
}
