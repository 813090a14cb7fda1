# Derivation helpers: `lazyDerivation`, `optionalDrvAttr`, `warnOnInstantiate`.
{ lib }:
{
  lazyDerivation = { derivation, meta ? null, passthru ? { }, outputs ? derivation.outputs }:
    let
      checked = if derivation.type or null == "derivation" then derivation
        else throw "lazyDerivation: input must be a derivation.";
    in
    passthru // {
      type = "derivation";
      outPath = checked.outPath;
      drvPath = checked.drvPath;
      name = checked.name;
      system = checked.system;
      inherit outputs;
      outputName = checked.outputName or "out";
      drvAttrs = checked.drvAttrs or { };
    } // lib.attrsets.genAttrs outputs (o: checked.${o})
      // lib.attrsets.optionalAttrs (meta != null) { inherit meta; };
  optionalDrvAttr = cond: value: if cond then value else null;
  warnOnInstantiate = msg: drv:
    drv // builtins.mapAttrs (_: lib.trivial.warn msg) (removeAttrs drv [ "meta" "name" "type" "outputName" ])
    // (if drv ? overrideAttrs && builtins.isFunction drv.overrideAttrs
        then { overrideAttrs = f: lib.derivations.warnOnInstantiate msg (drv.overrideAttrs f); } else { });
}
