# Strings: joining, affixes, escaping, search paths, versions, derivation names, configure flags.
{ lib }:
let
  inherit (builtins) length elemAt filter head tail substring stringLength concatStringsSep
    genList replaceStrings isString isList match split;
in
rec {
  inherit (builtins) compareVersions splitVersion stringLength substring;
  concatStrings = builtins.concatStringsSep "";
  concatMapStrings = f: list: concatStrings (map f list);
  concatImapStrings = f: list: concatStrings (lib.lists.imap1 f list);
  intersperse = separator: list:
    if list == [ ] || length list == 1 then list
    else tail (lib.lists.concatMap (x: [ separator x ]) list);
  concatStringsSep = builtins.concatStringsSep;
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);
  concatImapStringsSep = sep: f: list: concatStringsSep sep (lib.lists.imap1 f list);
  concatLines = concatMapStrings (s: s + "\n");
  replaceString = from: to: replaceStrings [ from ] [ to ];
  makeSearchPath = subDir: paths:
    concatStringsSep ":" (map (path: path + "/" + subDir) (filter (x: x != null) paths));
  makeSearchPathOutput = output: subDir: pkgs: makeSearchPath subDir (map (lib.attrsets.getOutput output) pkgs);
  makeLibraryPath = makeSearchPathOutput "lib" "lib";
  makeIncludePath = makeSearchPathOutput "dev" "include";
  makeBinPath = makeSearchPathOutput "bin" "bin";
  normalizePath = s: builtins.foldl' (x: y: if y == "/" && lib.strings.hasSuffix "/" x then x else x + y) "" (stringToCharacters s);
  optionalString = cond: string: if cond then string else "";
  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;
  hasSuffix = suffix: content:
    let lenContent = stringLength content; lenSuffix = stringLength suffix; in
    lenContent >= lenSuffix && substring (lenContent - lenSuffix) lenContent content == suffix;
  hasInfix = infix: content: builtins.match ".*${escapeRegex infix}.*" "${content}" != null;
  stringToCharacters = s: genList (p: substring p 1 s) (stringLength s);
  stringAsChars = f: s: concatStrings (map f (stringToCharacters s));
  charToInt = c: builtins.getAttr c asciiTable;
  asciiTable = builtins.listToAttrs (genList (i: { name = builtins.substring i 1 printable; value = i + 32; }) (stringLength printable));
  printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  escape = list: replaceStrings list (map (c: "\\${c}") list);
  escapeC = list: replaceStrings list (map (c: "\\x${lib.toLower (lib.toHexString (charToInt c))}") list);
  escapeURL = let
    unreserved = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "-" "_" "." "~" ];
    toEscape = builtins.removeAttrs asciiTable unreserved;
  in replaceStrings (builtins.attrNames toEscape) (lib.mapAttrsToList (_: c: "%${fixedWidthString 2 "0" (lib.toHexString c)}") toEscape);
  escapeShellArg = arg:
    let string = toString arg; in
    if match "[[:alnum:],._+:@%/-]+" string == null
    then "'${replaceStrings [ "'" ] [ "'\\''" ] string}'"
    else string;
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;
  isValidPosixName = name: match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;
  toShellVar = name: value:
    lib.throwIfNot (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name" (
      if builtins.isAttrs value && !isStringLike value then
        "declare -A ${name}=(${concatStringsSep " " (lib.mapAttrsToList (n: v: "[${escapeShellArg n}]=${escapeShellArg v}") value)})"
      else if isList value then
        "declare -a ${name}=(${escapeShellArgs value})"
      else "${name}=${escapeShellArg value}");
  toShellVars = vars: concatStringsSep "\n" (lib.mapAttrsToList toShellVar vars);
  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");
  escapeNixString = s: escape [ "$" ] (builtins.toJSON s);
  escapeNixIdentifier = s:
    if match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null then s else escapeNixString s;
  escapeXML = builtins.replaceStrings [ "\"" "'" "<" ">" "&" ] [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];
  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  toLower = replaceStrings upperChars lowerChars;
  toUpper = replaceStrings lowerChars upperChars;
  toSentenceCase = str:
    let firstChar = substring 0 1 str; rest = substring 1 (stringLength str) str; in
    addContextFrom str (toUpper firstChar + toLower rest);
  addContextFrom = src: target: substring 0 0 src + target;
  splitString = sep: s:
    let splits = builtins.filter builtins.isString (builtins.split (escapeRegex (toString sep)) (toString s));
    in map (addContextFrom s) splits;
  splitStringBy = predicate: keepSplit: str:
    let
      chars = stringToCharacters str;
      n = length chars;
      go = i: acc: cur:
        if i == n then acc ++ [ cur ]
        else let
          prev = if i == 0 then "" else elemAt chars (i - 1);
          c = elemAt chars i;
        in if i > 0 && predicate prev c
          then go (i + 1) (acc ++ [ cur ]) (if keepSplit then c else "")
          else go (i + 1) acc (cur + c);
    in if str == "" then [ "" ] else go 0 [ ] "";
  join = builtins.concatStringsSep;
  concatMapAttrsStringSep = sep: f: attrs: concatStringsSep sep (builtins.attrValues (builtins.mapAttrs f attrs));
  toCamelCase = str:
    lib.trivial.throwIfNot (isString str) "toCamelCase does only accepts string values, but got ${builtins.typeOf str}" (
      let
        words = splitStringBy (prev: curr: builtins.elem curr [ "-" "_" " " ]) false str;
        parts = lib.lists.flatten (map (splitStringBy (prev: curr: match "[a-z]" prev != null && match "[A-Z]" curr != null) true) words);
        first = if parts == [ ] then "" else toLower (head parts);
        rest = if length parts > 1 then map toSentenceCase (tail parts) else [ ];
      in concatStrings (map (addContextFrom str) ([ first ] ++ rest)));
  removePrefix = prefix: str:
    let preLen = stringLength prefix; in
    if substring 0 preLen str == prefix then substring preLen (-1) str else str;
  removeSuffix = suffix: str:
    let sufLen = stringLength suffix; sLen = stringLength str; in
    if sufLen <= sLen && suffix == substring (sLen - sufLen) sufLen str
    then substring 0 (sLen - sufLen) str else str;
  versionOlder = v1: v2: builtins.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !versionOlder v1 v2;
  getName = let parse = drv: (builtins.parseDrvName drv).name; in
    x: if isString x then parse x else x.pname or (parse x.name);
  getVersion = let parse = drv: (builtins.parseDrvName drv).version; in
    x: if isString x then parse x else x.version or (parse x.name);
  nameFromURL = url: sep:
    let
      components = splitString "/" url;
      filename = lib.lists.last components;
      name = head (splitString sep filename);
    in assert name != filename; name;
  enableFeature = flag: feature: assert isString feature; "--${if flag then "enable" else "disable"}-${feature}";
  enableFeatureAs = flag: feature: value: enableFeature flag feature + optionalString flag "=${value}";
  withFeature = flag: feature: assert isString feature; "--${if !flag then "without" else "with"}-${feature}";
  withFeatureAs = flag: feature: value: withFeature flag feature + optionalString flag "=${value}";
  mesonOption = feature: value: assert isString feature; assert isString value; "-D${feature}=${value}";
  mesonBool = condition: flag: mesonOption condition (lib.boolToString flag);
  mesonEnable = feature: flag: mesonOption feature (if flag then "enabled" else "disabled");
  cmakeOptionType = type: feature: value:
    assert isString feature; assert isString value;
    "-D${feature}:${toUpper type}=${value}";
  cmakeBool = condition: flag: cmakeOptionType "bool" condition (lib.toUpper (lib.boolToString flag));
  cmakeFeature = feature: value: cmakeOptionType "string" feature value;
  fixedWidthString = width: filler: str:
    let strw = stringLength str; reqWidth = width - (stringLength filler); in
    assert lib.assertMsg (strw <= width) "fixedWidthString: requested string length (${toString width}) must not be shorter than actual length (${toString strw})";
    if strw == width then str else filler + fixedWidthString reqWidth filler str;
  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);
  isStringLike = x: isString x || builtins.isPath x || x ? outPath || x ? __toString;
  isConvertibleWithToString = x:
    isStringLike x || builtins.elem (builtins.typeOf x) [ "null" "int" "float" "bool" ]
    || (isList x && lib.lists.all isConvertibleWithToString x);
  isStorePath = x:
    if isStringLike x then
      let str = toString x; in
      substring 0 1 str == "/" && dirOf str == builtins.storeDir
    else false;
  toInt = str:
    let
      matched = match "[[:space:]]*(-?[[:digit:]]+)[[:space:]]*" str;
      parsed = if matched == null then null else builtins.fromJSON (head matched);
      leadingZero = match "[[:space:]]*-?0[[:digit:]]+[[:space:]]*" str != null;
    in
    if matched == null || leadingZero then throw "Could not convert ${str} to int." else parsed;
  toIntBase10 = str:
    let
      matched = match "[[:space:]]*0*(-?[[:digit:]]+)[[:space:]]*" str;
    in if matched == null then throw "Could not convert ${str} to int." else builtins.fromJSON (head matched);
  fileContents = file: removeSuffix "\n" (builtins.readFile file);
  readPathsFromFile = rootPath: file:
    map (x: rootPath + "/${x}") (filter (l: l != "" && !(hasPrefix "#" l)) (splitString "\n" (builtins.readFile file)));
  trimWith = { start ? false, end ? false }: s:
    let
      regex =
        if start && end then "[[:space:]]*(.*[^[:space:]])[[:space:]]*"
        else if start then "[[:space:]]*(.*)"
        else if end then "(.*[^[:space:]])[[:space:]]*"
        else "(.*)";
      res = match regex s;
    in if res == null then "" else head res;
  trim = trimWith { start = true; end = true; };
  sanitizeDerivationName =
    let okRegex = match "[[:alnum:]+_?=-][[:alnum:]+._?=-]*"; in
    string:
    if stringLength string <= 207 && okRegex string != null then builtins.unsafeDiscardStringContext string
    else let
      s = builtins.unsafeDiscardStringContext string;
      parts = builtins.split "[^[:alnum:]+._?=-]+" (if hasPrefix "." s then substring 1 (-1) s else s);
      joined = concatStrings (map (x: if isList x then "-" else x) parts);
      limited = substring (lib.trivial.max (stringLength joined - 207) 0) (-1) joined;
    in if limited == "" then "unknown" else limited;
}
