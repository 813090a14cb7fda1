# nixeval's stand-in for the nixpkgs library: the functions flakes use, written for nixeval
# with the semantics and argument order of nixpkgs' `lib`. Like the real one it is an
# extensible fixed point, so `lib.extend` works.
let
  fixedPoints = import ./fixed-points.nix { lib = null; };
in
fixedPoints.makeExtensible (self: let
  call = file: import file { lib = self; };
in {
  trivial = call ./trivial.nix;
  fixedPoints = call ./fixed-points.nix;
  attrsets = call ./attrsets.nix;
  lists = call ./lists.nix;
  strings = call ./strings.nix;
  customisation = call ./customisation.nix;
  meta = call ./meta.nix;
  sources = call ./sources.nix;
  systems = call ./systems.nix;
  options = call ./options.nix;
  types = call ./types.nix;
  modules = call ./modules.nix;
  filesystem = call ./filesystem.nix;
  derivations = call ./derivations.nix;
  path = call ./path.nix;
  licenses = self.meta.licenses;
  platforms = self.systems.platforms;
  maintainers = self.meta.maintainers;
  teams = { };
  versions = {
    splitVersion = builtins.splitVersion;
    major = v: builtins.elemAt (builtins.splitVersion v) 0;
    minor = v: builtins.elemAt (builtins.splitVersion v) 1;
    patch = v: builtins.elemAt (builtins.splitVersion v) 2;
    majorMinor = v: "${self.versions.major v}.${self.versions.minor v}";
    pad = n: v: let
      parts = builtins.splitVersion v;
      missing = n - builtins.length parts;
    in builtins.concatStringsSep "." (self.lists.take n (parts ++ builtins.genList (_: "0") (if missing > 0 then missing else 0)));
  };
  nixosSystem = args: import ../nixos/lib/eval-config.nix (builtins.removeAttrs args [ "lib" ] // { lib = self; });
  # Marks the library as nixeval's stand-in.
  isNixevalStandIn = true;
  fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  fakeSha256 = "0000000000000000000000000000000000000000000000000000";
  fakeSha512 = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

  inherit (builtins)
    add addErrorContext attrNames concatLists deepSeq elem elemAt filter fromJSON genList
    getAttr hasAttr head isAttrs isBool isInt isList isPath isString length lessThan listToAttrs
    mapAttrs pathExists readFile replaceStrings seq stringLength sub substring tail toJSON
    toPath trace typeOf unsafeDiscardStringContext intersectAttrs removeAttrs attrValues
    catAttrs isFloat zipAttrsWith genericClosure groupBy partition baseNameOf
    dirOf div mul ceil floor compareVersions fromTOML hashString hashFile convertHash
    getContext hasContext appendContext match split splitVersion parseDrvName placeholder
    readDir readFileType toFile toString toXML tryEval unsafeGetAttrPos
    unsafeDiscardOutputDependency map filterSource;
  inherit (self.filesystem) packagesFromDirectoryRecursive;
  inherit (self.derivations) lazyDerivation optionalDrvAttr warnOnInstantiate;
  inherit (self.fixedPoints)
    fix fix' converge extends composeExtensions composeManyExtensions makeExtensible
    makeExtensibleWithCustomName toExtension;
  inherit (self.trivial)
    id const pipe concat or and xor bitAnd bitOr bitXor bitNot boolToString mergeAttrs flip
    defaultTo mapNullable inNixShell boolToYesNo functionArgs isFunction toFunction min max mod compare splitByAndCompare
    importJSON importTOML warn warnIf warnIfNot throwIf throwIfNot checkListOfEnum info
    showWarnings nixpkgsVersion version versionSuffix release codeName oldestSupportedRelease
    isInOldestRelease oldestSupportedReleaseIsAtLeast setFunctionArgs mirrorFunctionArgs
    toHexString toBaseDigits fromHexString inPureEvalMode revisionWithDefault;
  inherit (self.attrsets)
    attrByPath hasAttrByPath setAttrByPath getAttrFromPath attrVals getAttrs filterAttrs
    filterAttrsRecursive foldlAttrs foldAttrs collect cartesianProduct cartesianProductOfSets
    nameValuePair mapAttrs' mapAttrsToList concatMapAttrs mapAttrsRecursive
    mapAttrsRecursiveCond genAttrs genAttrs' isDerivation toDerivation optionalAttrs
    zipAttrsWithNames zipAttrs recursiveUpdateUntil recursiveUpdate matchAttrs
    overrideExisting showAttrPath getOutput getBin getLib getDev getMan getInclude
    chooseDevOutputs recurseIntoAttrs dontRecurseIntoAttrs mapAttrsFlatten updateManyAttrsByPath
    attrsToList unionOfDisjoint dontDistribute mergeAttrsList mapAttrsToListRecursive
    mapAttrsToListRecursiveCond getFirstOutput getStatic concatAttrValues mapCartesianProduct;
  inherit (self.lists)
    singleton forEach foldr fold foldl foldl' imap0 imap1 ifilter0 concatMap flatten remove
    findSingle findFirst findFirstIndex any all count optional optionals toList range
    replicate zipListsWith zipLists reverseList imap takeEnd dropEnd replaceElemAt uniqueStrings listDfs toposort sort
    sortOn naturalSort compareLists take drop sublist last init crossLists unique allUnique
    intersectLists subtractLists mutuallyExclusive commonPrefix groupBy';
  inherit (self.strings)
    concatStrings concatMapStrings concatImapStrings intersperse concatStringsSep
    concatMapStringsSep concatImapStringsSep concatLines makeSearchPath makeSearchPathOutput
    makeLibraryPath makeIncludePath makeBinPath optionalString hasPrefix hasSuffix hasInfix
    stringToCharacters stringAsChars escape escapeShellArg escapeShellArgs escapeRegex
    escapeNixString escapeNixIdentifier escapeXML replaceString splitString removePrefix
    removeSuffix versionOlder versionAtLeast getName getVersion nameFromURL enableFeature
    enableFeatureAs withFeature withFeatureAs mesonOption mesonBool mesonEnable cmakeOptionType
    cmakeBool cmakeFeature fixedWidthString fixedWidthNumber toInt toIntBase10 isStorePath
    isStringLike isConvertibleWithToString toUpper toLower toSentenceCase addContextFrom
    fileContents trim trimWith readPathsFromFile normalizePath toShellVar toShellVars
    sanitizeDerivationName lowerChars upperChars splitStringBy join concatMapAttrsStringSep
    toCamelCase escapeURL isValidPosixName;
  inherit (self.customisation)
    overrideDerivation makeOverridable callPackageWith callPackagesWith extendDerivation
    hydraJob makeScope makeScopeWithSplicing makeScopeWithSplicing' extendMkDerivation;
  inherit (self.meta)
    addMetaAttrs setName updateName appendToName mapDerivationAttrset
    setPrio lowPrio lowPrioSet hiPrio hiPrioSet getLicenseFromSpdxId getExe getExe'
    availableOn licensesSpdx getLicenseFromSpdxIdOr;
  inherit (self.sources)
    cleanSource cleanSourceWith cleanSourceFilter sourceByRegex sourceFilesBySuffices
    pathIsDirectory pathIsRegularFile pathType commitIdFromGitRepo;
  inherit (self.options)
    isOption mkOption mkEnableOption mkPackageOption mkPackageOptionMD mkSinkUndeclaredOptions
    mergeDefaultOption mergeOneOption mergeEqualOption getValues getFiles
    optionAttrSetToDocList literalExpression literalMD literalExample mdDoc showOption
    showFiles unknownModule;
  inherit (self.modules)
    evalModules setDefaultModuleLocation unifyModuleSyntax applyModuleArgsIfFunction
    mergeModules mkIf mkAssert mkMerge mkOverride mkOptionDefault mkDefault mkImageMediaOverride
    mkForce mkVMOverride mkFixStrictness mkOrder mkBefore mkAfter mkAliasDefinitions
    mkAliasAndWrapDefinitions fixMergeModules mkRemovedOptionModule mkRenamedOptionModule
    mkRenamedOptionModuleWith mkMergedOptionModule mkChangedOptionModule mkAliasOptionModule
    mkDerivedConfig doRename importApply filterOverrides dischargeProperties
    defaultOrderPriority defaultOverridePriority mkDefinition;
  inherit (self.systems) flakeExposed;
  inherit (self.types) isType isOptionType mkOptionType;
  setType = typeName: value: value // { _type = typeName; };
  inherit (self.modules) pushDownProperties mergeDefinitions sortProperties;
  inherit (self.options) mergeUniqueOption;
  inherit (self.debug) traceValSeq traceValSeqFn traceSeqN traceValSeqN traceFnSeqN;
  fileset = call ./sources.nix // { };
  asserts = {
    assertMsg = pred: msg: pred || builtins.throw msg;
    assertOneOf = name: val: xs:
      self.asserts.assertMsg (builtins.elem val xs)
        "${name} must be one of ${builtins.toJSON xs}, but is: ${builtins.toJSON val}";
  };
  inherit (self.asserts) assertMsg assertOneOf;
  generators = {
    toJSON = { }: builtins.toJSON;
    toYAML = { }: builtins.toJSON;
    toPretty = { ... }: v: builtins.toJSON v;
  };
  debug = {
    traceVal = x: builtins.trace x x;
    traceSeq = x: y: builtins.trace (builtins.deepSeq x x) y;
    traceValFn = f: x: builtins.trace (f x) x;
    traceIf = pred: msg: x: if pred then builtins.trace msg x else x;
    traceValSeqFn = f: v: builtins.trace (f (builtins.deepSeq v v)) v;
    traceValSeq = self.debug.traceValSeqFn (x: x);
    traceSeqN = depth: x: y: builtins.trace (builtins.deepSeq x x) y;
    traceValSeqN = depth: v: builtins.trace (builtins.deepSeq v v) v;
    traceFnSeqN = depth: name: f: v: let r = f v; in builtins.trace (builtins.deepSeq [ name v r ] name) r;
  };
  inherit (self.debug) traceVal traceSeq traceValFn traceIf;
})
