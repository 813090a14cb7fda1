# Package metadata: `getExe`, priorities, names, licenses, maintainers, platforms checks.
{ lib }:
let
  lic = spdx: fullName: free: { spdxId = spdx; shortName = lib.strings.toLower spdx; inherit fullName free; deprecated = false; redistributable = free; url = "https://spdx.org/licenses/${spdx}.html"; };
in
rec {
  addMetaAttrs = newAttrs: drv: drv // { meta = (drv.meta or { }) // newAttrs; };
  dontDistribute = drv: addMetaAttrs { hydraPlatforms = [ ]; } drv;
  setName = name: drv: drv // { inherit name; };
  updateName = updater: drv: drv // { name = updater (drv.name); };
  appendToName = suffix: updateName (name:
    let x = builtins.parseDrvName name; in "${x.name}-${suffix}-${x.version}");
  mapDerivationAttrset = f: set: lib.attrsets.mapAttrs (name: pkg: if lib.attrsets.isDerivation pkg then (f pkg) else pkg) set;
  setPrio = priority: addMetaAttrs { inherit priority; };
  lowPrio = setPrio 10;
  lowPrioSet = set: mapDerivationAttrset lowPrio set;
  hiPrio = setPrio (-10);
  hiPrioSet = set: mapDerivationAttrset hiPrio set;
  platformMatch = platform: elem:
    if builtins.isString elem then platform ? system && elem == platform.system
    else lib.attrsets.matchAttrs (elem.parsed or elem) platform;
  availableOn = platform: pkg:
    ((!pkg ? meta.platforms) || lib.lists.any (platformMatch platform) pkg.meta.platforms)
    && lib.lists.all (elem: !platformMatch platform elem) (pkg.meta.badPlatforms or [ ]);
  licensesSpdx = lib.attrsets.mapAttrs' (_: l: lib.attrsets.nameValuePair l.spdxId l)
    (lib.attrsets.filterAttrs (_: l: l ? spdxId) licenses);
  getLicenseFromSpdxId = licstr:
    licensesSpdx.${licstr} or (lib.trivial.warn "getLicenseFromSpdxId: No license matches the given SPDX ID: ${licstr}" { shortName = licstr; });
  getLicenseFromSpdxIdOr = licstr: default:
    let byLower = lib.attrsets.mapAttrs' (id: l: lib.attrsets.nameValuePair (lib.strings.toLower id) l) licensesSpdx;
    in byLower.${lib.strings.toLower licstr} or default;
  getExe = x: getExe' x (x.meta.mainProgram or (
    lib.trivial.warn "getExe: Package ${lib.strings.escapeNixIdentifier x.meta.name or x.pname or x.name} does not have the meta.mainProgram attribute. We'll assume that the main program has the same name for now, but this behavior is deprecated, because it leads to surprising errors when the assumption does not hold. If the package has a main program, please set `meta.mainProgram` in its definition to make this warning go away. Otherwise, if the package does not have a main program, or if you don't control its definition, use getExe' to specify the name to the program, such as lib.getExe' foo \"bar\"."
      (lib.strings.getName x)));
  getExe' = x: y:
    assert lib.assertMsg (lib.attrsets.isDerivation x) "lib.meta.getExe': The first argument is of type ${builtins.typeOf x}, but it should be a derivation instead.";
    assert lib.assertMsg (builtins.isString y) "lib.meta.getExe': The second argument is of type ${builtins.typeOf y}, but it should be a string instead.";
    assert lib.assertMsg (builtins.match ".*/.*" y == null) "lib.meta.getExe': The second argument \"${y}\" is a nested path with a \"/\" character, but it should just be the name of the executable instead.";
    "${lib.attrsets.getBin x}/bin/${y}";

  licenses = {
    mit = lic "MIT" "MIT License" true;
    asl20 = lic "Apache-2.0" "Apache License 2.0" true;
    bsd2 = lic "BSD-2-Clause" "BSD 2-clause \"Simplified\" License" true;
    bsd3 = lic "BSD-3-Clause" "BSD 3-clause \"New\" or \"Revised\" License" true;
    gpl2Only = lic "GPL-2.0-only" "GNU General Public License v2.0 only" true;
    gpl2Plus = lic "GPL-2.0-or-later" "GNU General Public License v2.0 or later" true;
    gpl3Only = lic "GPL-3.0-only" "GNU General Public License v3.0 only" true;
    gpl3Plus = lic "GPL-3.0-or-later" "GNU General Public License v3.0 or later" true;
    gpl2 = licenses.gpl2Only;
    gpl3 = licenses.gpl3Only;
    lgpl21Only = lic "LGPL-2.1-only" "GNU Lesser General Public License v2.1 only" true;
    lgpl21Plus = lic "LGPL-2.1-or-later" "GNU Lesser General Public License v2.1 or later" true;
    lgpl3Only = lic "LGPL-3.0-only" "GNU Lesser General Public License v3.0 only" true;
    lgpl3Plus = lic "LGPL-3.0-or-later" "GNU Lesser General Public License v3.0 or later" true;
    agpl3Only = lic "AGPL-3.0-only" "GNU Affero General Public License v3.0 only" true;
    agpl3Plus = lic "AGPL-3.0-or-later" "GNU Affero General Public License v3.0 or later" true;
    mpl20 = lic "MPL-2.0" "Mozilla Public License 2.0" true;
    isc = lic "ISC" "ISC License" true;
    zlib = lic "Zlib" "zlib License" true;
    unlicense = lic "Unlicense" "The Unlicense" true;
    cc0 = lic "CC0-1.0" "Creative Commons Zero v1.0 Universal" true;
    epl20 = lic "EPL-2.0" "Eclipse Public License 2.0" true;
    psfl = lic "Python-2.0" "Python Software Foundation License version 2" true;
    unfree = { shortName = "unfree"; fullName = "Unfree"; free = false; deprecated = false; redistributable = false; };
    unfreeRedistributable = { shortName = "unfree-redistributable"; fullName = "Unfree redistributable"; free = false; deprecated = false; redistributable = true; };
  };
  maintainers = { };
}
