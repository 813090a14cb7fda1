# Packages and package sets the stand-in does not model one by one. nixpkgs has tens of
# thousands of attributes; flakes name them freely (`with pkgs; [ k3d socat ]`,
# `xorg.libX11`, `darwin.apple_sdk.frameworks.Security`, `haskellPackages.aeson`).
#
# `package NAME` is a real derivation named after the attribute. Like nixpkgs' members it has
# `override` and `overrideAttrs`. Any attribute it lacks is another such package (nixeval
# consults `__nixevalMissingAttr` where nixpkgs would have had the attribute), so nested
# package sets need no list of members. Calling it stands for a builder the stand-in does not
# model (`buildGo122Module { ... }`, `writers.writeBashBin "x" "..."`): attributes with a
# `name` or `pname` make a derivation of them; a first string argument names the result.
#
# `packageSet NAMES EXTRA` is a set of packages: the listed names, EXTRA, and any other name.
{ lib, mkDerivation }:
let
  inherit (builtins) isAttrs isFunction isString;
  nameOf = fallback: args:
    args.name or (if args ? pname then "${args.pname}${lib.strings.optionalString (args ? version) "-${toString args.version}"}" else fallback);
  callable = name: named: drv: let self' = drv // {
    override = _: self';
    __functor = self: arg:
      if isString arg then (if named then self else package' arg true)
      else if isFunction arg then withExtras name (mkDerivation (finalAttrs: { name = nameOf name (arg finalAttrs); } // arg finalAttrs))
      else if isAttrs arg && !(arg ? outPath) then withExtras name (mkDerivation ({ name = nameOf name arg; } // arg))
      else self;
    __nixevalMissingAttr = package;
  }; in self';
  withExtras = name: drv: drv // { __nixevalMissingAttr = package; };
  package' = name: named: callable name named (mkDerivation {
    inherit name;
    pname = name;
    meta = { mainProgram = name; description = "nixeval stand-in for the nixpkgs package '${name}'"; };
  });
  package = name: package' name false;
in
{
  inherit package;
  packageSet = names: extra: lib.attrsets.genAttrs names package // extra // { __nixevalMissingAttr = package; };
}
