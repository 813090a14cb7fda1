# Stand-in nixpkgs lib against the real library: fixed points, attrsets, lists, strings.
let
  lib = import (builtins.getEnv "STANDIN_LIB");
  ov1 = final: prev: { a = 1; c = prev.c or 0 + 10; };
  ov2 = final: prev: { b = final.a + 1; c = prev.c * 2; };
in
{
  fix = (lib.fix (self: { x = 1; y = self.x + 1; })).y;
  extends = lib.fix (lib.extends ov2 (final: { a = 0; c = 3; }));
  compose = lib.composeManyExtensions [ ov1 ov2 ] { a = 5; } { c = 1; };
  composeEmpty = lib.composeManyExtensions [ ] { } { z = 1; };
  extensible = let e = lib.makeExtensible (self: { x = 1; y = self.x * 3; }); in (e.extend (f: p: { x = 10; })).y;
  genAttrs = lib.genAttrs [ "a" "b" ] (n: n + n);
  optionalAttrs = [ (lib.optionalAttrs true { a = 1; }) (lib.optionalAttrs false { a = 1; }) ];
  filterAttrs = lib.filterAttrs (n: v: v > 1) { a = 1; b = 2; c = 3; };
  mapAttrs' = lib.mapAttrs' (n: v: lib.nameValuePair "x${n}" (v * 2)) { a = 1; b = 2; };
  mapAttrsToList = lib.mapAttrsToList (n: v: "${n}=${toString v}") { b = 2; a = 1; };
  recursiveUpdate = lib.recursiveUpdate { a = { b = 1; c = 2; }; d = 1; } { a = { b = 3; }; d = { e = 1; }; };
  attrByPath = [ (lib.attrByPath [ "a" "b" ] 0 { a.b = 5; }) (lib.attrByPath [ "a" "x" ] 0 { a.b = 5; }) ];
  setAttrByPath = lib.setAttrByPath [ "a" "b" ] 1;
  getAttrs = lib.getAttrs [ "a" ] { a = 1; b = 2; };
  attrValues = lib.attrValues { b = 2; a = 1; };
  foldlAttrs = lib.foldlAttrs (acc: n: v: acc + v) 0 { a = 1; b = 2; };
  collect = lib.collect builtins.isInt { a = 1; b = { c = 2; d = "x"; }; };
  zipAttrsWith = lib.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ];
  cartesian = lib.cartesianProduct { a = [ 1 2 ]; b = [ "x" ]; };
  hasAttrByPath = lib.hasAttrByPath [ "a" "b" ] { a.b = null; };
  optional = [ (lib.optional true 1) (lib.optionals false [ 2 ]) ];
  flatten = lib.flatten [ 1 [ 2 [ 3 ] ] [ ] ];
  unique = lib.unique [ 3 1 3 2 1 ];
  foldl = lib.foldl (a: b: "(${a}${b})") "0" [ "1" "2" "3" ];
  foldr = lib.foldr (a: b: "(${a}${b})") "0" [ "1" "2" "3" ];
  range = [ (lib.range 2 5) (lib.range 3 2) ];
  imap = [ (lib.imap0 (i: v: i * v) [ 5 6 ]) (lib.imap1 (i: v: i * v) [ 5 6 ]) ];
  take = [ (lib.take 2 [ 1 2 3 ]) (lib.drop 2 [ 1 2 3 ]) (lib.sublist 1 5 [ 1 2 3 ]) (lib.last [ 1 2 ]) (lib.init [ 1 2 ]) ];
  findFirst = lib.findFirst (x: x > 2) null [ 1 3 4 ];
  reverse = lib.reverseList [ 1 2 3 ];
  lists = [ (lib.subtractLists [ 1 ] [ 1 2 ]) (lib.intersectLists [ 1 ] [ 1 2 ]) (lib.count (x: x > 1) [ 1 2 3 ]) (lib.toList 1) ];
  zip = lib.zipLists [ 1 2 ] [ "a" ];
  strings = [
    (lib.optionalString true "yes") (lib.concatStringsSep "," [ "a" "b" ]) (lib.concatMapStringsSep "-" toString [ 1 2 ])
    (lib.hasPrefix "ab" "abc") (lib.hasSuffix "bc" "abc") (lib.hasInfix "b" "abc") (lib.removePrefix "a" "abc")
    (lib.removeSuffix "c" "abc") (lib.toUpper "aBc") (lib.toLower "AbC") (lib.escapeShellArg "it's")
    (lib.escapeShellArgs [ "a" "b c" ]) (lib.makeBinPath [ "/x" "/y" ]) (lib.concatLines [ "a" "b" ])
    (lib.stringToCharacters "abc") (lib.fixedWidthNumber 4 12) (lib.toInt "42") (lib.trim "  x y  ")
    (lib.strings.escapeNixIdentifier "a-b") (lib.strings.escapeNixIdentifier "1a") (lib.intersperse 0 [ 1 2 3 ])
    (lib.splitString "," "a,b,,c") (lib.escapeRegex "a.b*")
  ];
  trivial = [ (lib.id 1) (lib.const 1 2) (lib.flip lib.concat [ 1 ] [ 2 ]) (lib.pipe 2 [ (x: x + 1) (x: x * 3) ]) (lib.boolToString true) (lib.mod 7 3) (lib.toHexString 250) (lib.toBaseDigits 2 6) ];
  callPackage = let f = { a, b ? 2 }: { r = a + b; }; in [ (lib.callPackageWith { a = 1; b = 5; c = 3; } f { }).r ((lib.callPackageWith { a = 1; } f { }).override { a = 10; }).r ];
  overridable = let o = lib.makeOverridable ({ x }: { y = x * 2; }) { x = 1; }; in [ o.y (o.override { x = 5; }).y ((o.override { x = 5; }).override (old: { x = old.x + 1; })).y ];
  scope = let s = lib.makeScope (extra: lib.callPackageWith ({ base = 1; } // extra)) (self: { a = self.callPackage ({ base }: base + 1) { }; b = self.callPackage ({ a }: a * 10) { }; }); in [ s.b (s.overrideScope (f: p: { a = 5; })).b ];
  flakeExposed = lib.systems.flakeExposed;
  modules = let
    m = lib.evalModules { modules = [
      ({ config, lib, ... }: { options.x = lib.mkOption { type = lib.types.int; default = 1; }; options.l = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; options.e = lib.mkEnableOption "e"; })
      ({ config, ... }: { x = lib.mkForce 7; l = lib.mkIf config.e [ "a" ]; })
      { x = 3; l = lib.mkMerge [ (lib.mkBefore [ "first" ]) (lib.mkAfter [ "z" ]) ]; e = true; }
      { options.s = lib.mkOption { type = lib.types.attrsOf (lib.types.submodule { options.v = lib.mkOption { type = lib.types.str; default = "d"; }; }); default = { }; }; config.s.one = { }; config.s.two.v = "w"; }
    ]; };
  in { inherit (m.config) x l e s; };
}
