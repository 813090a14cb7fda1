# Stand-in nixpkgs lib against the real library: newer list, attrset and string helpers,
# lib.path, lib.filesystem, extendMkDerivation, licences by SPDX id.
let
  lib = import (builtins.getEnv "STANDIN_LIB");
  callPackage = lib.callPackageWith { greeting = "hi"; };
  fromDir = lib.packagesFromDirectoryRecursive { inherit callPackage; directory = ./pkgs-dir; };
  strip = v: if builtins.isAttrs v then builtins.removeAttrs (builtins.mapAttrs (_: strip) v) [ "override" "overrideDerivation" ] else v;
  mkThing = lib.extendMkDerivation {
    constructDrv = lib.setFunctionArgs (f: let args = lib.fix f; in args // { constructed = true; }) { name = false; extra = true; };
    excludeDrvArgNames = [ "drop" ];
    extendDrvArgs = finalAttrs: { flag ? false, ... }@args: { name = "thing-${args.name}"; flagged = flag; };
  };
in
{
  lists = [
    (lib.takeEnd 2 [ 1 2 3 ]) (lib.takeEnd 5 [ 1 2 ]) (lib.dropEnd 1 [ 1 2 3 ]) (lib.dropEnd 4 [ 1 ])
    (lib.replaceElemAt [ 1 2 3 ] 1 "x") (lib.uniqueStrings [ "b" "a" "b" ])
    (lib.imap (i: v: i + v) [ 10 20 ])
  ];
  attrs = [
    (lib.concatAttrValues { b = [ 2 ]; a = [ 1 ]; })
    (lib.mapAttrsToListRecursive (p: v: "${lib.concatStringsSep "." p}=${toString v}") { a = { b = 1; c = { d = 2; }; }; e = 3; })
    (lib.mapAttrsToListRecursiveCond (p: v: !(v ? stop)) (p: v: p) { a = { stop = 1; }; b = { c = 1; }; })
    (lib.getFirstOutput [ "dev" "out" ] { dev = "D"; out = "O"; }).dev or "whole"
    (lib.attrsets.getFirstOutput [ "x" ] { a = 1; })
  ];
  strings = [
    (lib.join "," [ "a" "b" ]) (lib.concatMapAttrsStringSep ";" (n: v: "${n}${v}") { b = "2"; a = "1"; })
    (lib.toCamelCase "foo-bar_baz qux") (lib.toCamelCase "HelloWorld-again") (lib.toCamelCase "")
    (lib.boolToYesNo true) (lib.boolToYesNo false) (lib.escapeURL "a b/c?d")
  ];
  licenses = [ (lib.getLicenseFromSpdxIdOr "mit" null).spdxId (lib.getLicenseFromSpdxIdOr "nope" "none") ];
  path = [
    (toString (lib.path.append /a "b/c")) (lib.path.hasPrefix /a /a/b) (lib.path.hasPrefix /a/b /a)
    (lib.path.removePrefix /a /a/b/c) (lib.path.removePrefix /a /a) (lib.path.subpath.join [ "a" "./b/" "c" ])
    (lib.path.subpath.join [ ]) (lib.path.subpath.normalise "./a//b/./c/") (lib.path.subpath.components "a/b")
    (lib.path.subpath.isValid "../x") (lib.path.subpath.isValid "x/y")
  ];
  filesystem = [
    (strip fromDir)
    (map (p: lib.removePrefix (toString ./.) (toString p)) (lib.filesystem.listFilesRecursive ./pkgs-dir))
  ];
  extend = [
    (mkThing { name = "a"; flag = true; drop = 1; keep = 2; })
    (mkThing (finalAttrs: { name = "b"; }))
    (lib.functionArgs mkThing)
  ];
  optionalDrvAttr = [ (lib.optionalDrvAttr true 1) (lib.optionalDrvAttr false 1) ];
}
