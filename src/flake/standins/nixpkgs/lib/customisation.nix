# Overriding and package scopes: `makeOverridable`, `callPackageWith`, `makeScope`.
{ lib }:
let
  inherit (builtins) functionArgs intersectAttrs isFunction isAttrs attrNames filter length
    head concatStringsSep;
in
rec {
  overrideDerivation = drv: f:
    let newDrv = derivation (drv.drvAttrs // (f drv)); in
    lib.attrsets.optionalAttrs (drv ? meta) { inherit (drv) meta; } // (newDrv // { overrideDerivation = overrideDerivation newDrv; });

  makeOverridable = f:
    let
      fArgs = lib.trivial.functionArgs f;
      result = origArgs:
        let
          overrideWith = newArgs: origArgs // (if lib.trivial.isFunction newArgs then newArgs origArgs else newArgs);
          overrideArgs = lib.trivial.mirrorFunctionArgs f (newArgs: result (overrideWith newArgs));
          r = f origArgs;
          overrideResult = g: makeOverridable (lib.trivial.mirrorFunctionArgs f (args: g (f args))) origArgs;
        in
        if isAttrs r then
          r // {
            override = overrideArgs;
            overrideDerivation = fdrv: overrideResult (x: overrideDerivation x fdrv);
          } // lib.attrsets.optionalAttrs (r ? overrideAttrs) {
            overrideAttrs = fdrv: overrideResult (x: x.overrideAttrs fdrv);
          }
        else if isFunction r then
          lib.trivial.setFunctionArgs r (functionArgs r) // { override = overrideArgs; }
        else r;
    in
    lib.trivial.setFunctionArgs result fArgs;

  callPackageWith = autoArgs: fn: args:
    let
      f = if isFunction fn || (isAttrs fn && fn ? __functor) then fn else import fn;
      fargs = lib.trivial.functionArgs f;
      # nixeval's stand-in package sets answer for every name (see pkgs/unmodelled.nix): a
      # required argument they do not list is asked of them, as nixpkgs would have it.
      # An opaque set (an unavailable input merged in) answers through `intersectAttrs`.
      unlisted = if autoArgs ? __nixevalMissingAttr && !(autoArgs ? __nixevalOpaque)
        then builtins.mapAttrs (name: _: autoArgs.__nixevalMissingAttr name)
          (lib.attrsets.filterAttrs (name: hasDefault: !hasDefault) (removeAttrs fargs (attrNames autoArgs ++ attrNames args)))
        else { };
      allArgs = intersectAttrs fargs autoArgs // unlisted // args;
      missingArgs = lib.attrsets.filterAttrs (name: value: !value) (removeAttrs fargs (attrNames allArgs));
      loc = builtins.unsafeGetAttrPos (head (attrNames missingArgs)) fargs;
      loc' = if loc != null then loc.file + ":" + toString loc.line else "<unknown location>";
      prettyArg = arg: "\"${arg}\"";
      error = "Function called without required argument ${prettyArg (head (attrNames missingArgs))} at ${loc'}";
    in
    if missingArgs == { } then makeOverridable f allArgs else abort "lib.customisation.callPackageWith: ${error}";

  callPackagesWith = autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      fargs = lib.trivial.functionArgs f;
      # An opaque set (an unavailable input merged in) answers through `intersectAttrs`.
      unlisted = if autoArgs ? __nixevalMissingAttr && !(autoArgs ? __nixevalOpaque)
        then builtins.mapAttrs (name: _: autoArgs.__nixevalMissingAttr name)
          (lib.attrsets.filterAttrs (name: hasDefault: !hasDefault) (removeAttrs fargs (attrNames autoArgs ++ attrNames args)))
        else { };
      auto = intersectAttrs fargs autoArgs // unlisted;
      mirrorArgs = lib.trivial.mirrorFunctionArgs f;
      origArgs = auto // args;
      pkgs = f origArgs;
      mkAttrOverridable = name: _: makeOverridable (mirrorArgs (newArgs: (f newArgs).${name})) origArgs;
    in
    if lib.attrsets.isDerivation pkgs then throw "function passed to `callPackagesWith` must return a set of derivations, not a single derivation"
    else builtins.mapAttrs mkAttrOverridable pkgs;

  extendDerivation = condition: passthru: drv:
    let
      outputs = drv.outputs or [ "out" ];
      commonAttrs = drv // (builtins.listToAttrs outputsList) // { all = map (x: x.value) outputsList; } // passthru;
      outputToAttrListElement = outputName: {
        name = outputName;
        value = commonAttrs // {
          inherit (drv.${outputName}) type outputName;
          outputSpecified = true;
          drvPath = assert condition; drv.${outputName}.drvPath;
          outPath = assert condition; drv.${outputName}.outPath;
        } // lib.attrsets.optionalAttrs (passthru ? overrideAttrs) { overrideAttrs = f: (passthru.overrideAttrs f).${outputName}; };
      };
      outputsList = map outputToAttrListElement outputs;
    in
    commonAttrs // {
      drvPath = assert condition; drv.drvPath;
      outPath = assert condition; drv.outPath;
    };

  hydraJob = drv: drv;

  extendMkDerivation = { constructDrv, excludeDrvArgNames ? [ ], excludeFunctionArgNames ? [ ],
    extendDrvArgs, inheritFunctionArgs ? true, transformDrv ? (x: x) }: {
    __functor = self: fpargs: transformDrv (constructDrv (finalAttrs:
      let given = if isFunction fpargs then fpargs finalAttrs else fpargs;
      in removeAttrs given excludeDrvArgNames // extendDrvArgs finalAttrs given));
    __functionArgs = removeAttrs
      ((if inheritFunctionArgs then removeAttrs (lib.trivial.functionArgs constructDrv) excludeDrvArgNames else { })
        // functionArgs (extendDrvArgs { })) excludeFunctionArgNames;
    inherit constructDrv excludeDrvArgNames extendDrvArgs transformDrv;
  };

  makeScope = newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        overrideScope = g: makeScope newScope (lib.fixedPoints.extends g f);
        overrideScope' = self.overrideScope;
        packages = f;
      };
    in self;

  makeScopeWithSplicing = splicePackages: newScope: otherSplices: keep: extra: f:
    makeScope newScope f;
  makeScopeWithSplicing' = { splicePackages ? null, newScope }: { otherSplices ? { }, keep ? _: { }, extra ? _: { }, f }:
    makeScope newScope f;
}
