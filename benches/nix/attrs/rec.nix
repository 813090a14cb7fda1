# Many small rec sets, nested attribute paths, inherit and with: the common shape of package sets.
let
  mkPkg = i: rec {
    pname = "pkg${toString i}";
    version = "1.${toString (i - i / 10 * 10)}";
    name = "${pname}-${version}";
    meta.description = "package number ${toString i}";
    meta.priority = i - i / 7 * 7;
    passthru = { inherit pname version; tests.ok = true; };
    deps = if i < 2 then [ ] else [ (i - 1) (i / 2) ];
  };
  mkSet = off: builtins.listToAttrs (builtins.genList (i: { name = "p${toString i}"; value = mkPkg (i + off); }) 10000);
  score = p: with p; builtins.stringLength name + meta.priority + builtins.length deps
    + builtins.stringLength meta.description + (if passthru.tests.ok then 1 else 0);
  total = pkgs: builtins.foldl' (acc: nm: acc + score pkgs.${nm}) 0 (builtins.attrNames pkgs);
in
builtins.genList (k: total (mkSet (k * 10000))) 8
