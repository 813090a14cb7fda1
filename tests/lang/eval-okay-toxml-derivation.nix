# toXML shows a derivation's drvPath and outPath, and its attributes only the first time
let
  drv = name: {
    type = "derivation";
    inherit name;
    drvPath = "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-${name}.drv";
    outPath = "/nix/store/bpdnvwvxfb0r8fs524w9cnnbd068y4kz-${name}";
    meta.description = "thing ${name}";
  };
  a = drv "a";
  b = drv "b";
in
builtins.toXML {
  inherit a b;
  again = [ a b a ];
  noDrvPath = { type = "derivation"; outPath = "/x"; };
  emptyDrvPath = { type = "derivation"; drvPath = ""; outPath = "/y"; };
  nonStringPaths = { type = "derivation"; drvPath = 1; outPath = [ ]; };
  notADerivation = { type = "derivation-like"; drvPath = "/z"; };
}
