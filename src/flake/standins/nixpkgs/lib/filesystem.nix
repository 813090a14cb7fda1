# File-system helpers: `packagesFromDirectoryRecursive`, `listFilesRecursive`, path types.
{ lib }:
let
  inherit (builtins) readDir pathExists attrNames concatMap;
in
rec {
  pathType = builtins.readFileType or (path: (readDir (dirOf path)).${baseNameOf path});
  pathIsDirectory = path: pathExists path && pathType path == "directory";
  pathIsRegularFile = path: pathExists path && pathType path == "regular";
  listFilesRecursive = dir:
    lib.lists.flatten (lib.attrsets.mapAttrsToList (name: type:
      if type == "directory" then listFilesRecursive (dir + "/${name}") else dir + "/${name}") (readDir dir));
  packagesFromDirectoryRecursive =
    let
      fromEntries = { callPackage, directory, ... }@args:
        lib.attrsets.concatMapAttrs (name: type:
          let path = directory + "/${name}"; in
          if type == "directory" then { ${name} = packagesFromDirectoryRecursive (args // { directory = path; }); }
          else if type == "regular" && lib.strings.hasSuffix ".nix" name then { ${lib.strings.removeSuffix ".nix" name} = callPackage path { }; }
          else if type == "regular" then { }
          else throw "lib.filesystem.packagesFromDirectoryRecursive: Unsupported file type ${type} at path ${toString path}\n")
          (readDir directory);
    in
    { callPackage, newScope ? throw "lib.packagesFromDirectoryRecursive: newScope wasn't passed in args", directory }@args:
    let packageFile = directory + "/package.nix"; in
    if pathExists packageFile then callPackage packageFile { }
    else if args ? newScope then
      lib.attrsets.recurseIntoAttrs (lib.customisation.makeScope newScope (self:
        fromEntries (args // { inherit (self) callPackage newScope; })))
    else fromEntries args;
  locateDominatingFile = pattern: file:
    let
      go = dir:
        let
          found = builtins.filter (n: builtins.match pattern n != null) (attrNames (readDir dir));
        in
        if found != [ ] then { path = dir; matches = map (n: builtins.match pattern n) found; }
        else if dir == /. || toString dir == "/" then null
        else go (dirOf dir);
    in go (if pathIsDirectory file then file else dirOf file);
}
