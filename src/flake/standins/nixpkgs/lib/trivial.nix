# Basic combinators, numbers, warnings and the release information of the stand-in nixpkgs.
{ lib }:
let
  inherit (builtins) trace isFunction functionArgs;
in
rec {
  id = x: x;
  const = x: _: x;
  pipe = builtins.foldl' (x: f: f x);
  concat = x: y: x ++ y;
  or = x: y: x || y;
  and = x: y: x && y;
  xor = x: y: (!x) != (!y);
  bitAnd = builtins.bitAnd;
  bitOr = builtins.bitOr;
  bitXor = builtins.bitXor;
  bitNot = builtins.sub (-1);
  boolToString = b: if b then "true" else "false";
  boolToYesNo = b: if b then "yes" else "no";
  mergeAttrs = x: y: x // y;
  flip = f: a: b: f b a;
  defaultTo = default: maybeValue: if maybeValue != null then maybeValue else default;
  mapNullable = f: a: if a == null then a else f a;

  release = "25.05";
  codeName = "Warbler";
  versionSuffix = "pre-git";
  version = release + versionSuffix;
  nixpkgsVersion = version;
  oldestSupportedRelease = 2411;
  isInOldestRelease = release: release <= oldestSupportedRelease;
  oldestSupportedReleaseIsAtLeast = release: release <= oldestSupportedRelease;
  revisionWithDefault = default: default;
  inNixShell = false;
  inPureEvalMode = !(builtins ? currentSystem);

  min = x: y: if x < y then x else y;
  max = x: y: if x > y then x else y;
  mod = base: int: base - (int * (builtins.div base int));
  compare = a: b: if a < b then -1 else if a > b then 1 else 0;
  splitByAndCompare = p: yes: no: a: b:
    if p a then (if p b then yes a b else -1) else if p b then 1 else no a b;

  importJSON = path: builtins.fromJSON (builtins.readFile path);
  importTOML = path: builtins.fromTOML (builtins.readFile path);

  warn =
    if builtins ? warn then builtins.warn
    else msg: trace "[1;35mevaluation warning:[0m ${msg}";
  warnIf = cond: msg: if cond then warn msg else x: x;
  warnIfNot = cond: msg: if cond then x: x else warn msg;
  throwIf = cond: msg: if cond then throw msg else x: x;
  throwIfNot = cond: msg: if cond then x: x else throw msg;
  checkListOfEnum = msg: valid: given:
    let unexpected = builtins.filter (x: !builtins.elem x valid) given;
    in throwIfNot (unexpected == [ ])
      "${msg}: ${builtins.concatStringsSep ", " (map builtins.toString unexpected)} unexpected; valid ones: ${builtins.concatStringsSep ", " (map builtins.toString valid)}";
  info = msg: trace "INFO: ${msg}";
  showWarnings = warnings: res: lib.lists.foldr (w: x: warn w x) res warnings;

  setFunctionArgs = f: args: { __functor = self: f; __functionArgs = args; };
  functionArgs = f: if f ? __functor then f.__functionArgs or (functionArgs (f.__functor f)) else builtins.functionArgs f;
  isFunction = f: builtins.isFunction f || (f ? __functor && isFunction (f.__functor f));
  toFunction = v: if isFunction v then v else _: v;
  mirrorFunctionArgs = f: let fArgs = functionArgs f; in g: setFunctionArgs g fArgs;

  toHexString = let
    digit = d: builtins.elemAt [ "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "A" "B" "C" "D" "E" "F" ] d;
  in i: lib.strings.concatMapStrings digit (toBaseDigits 16 i);
  toBaseDigits = base: i:
    let
      go = i: if i < base then [ i ] else
        let r = i - ((i / base) * base); q = (i - r) / base; in [ r ] ++ go q;
    in
    assert (isInt base); assert (isInt i); assert (base >= 2); assert (i >= 0);
    lib.lists.reverseList (go i);
  fromHexString = str: let
    s = lib.strings.toLower (lib.strings.removePrefix "0x" (lib.strings.toLower str));
    val = c: lib.lists.findFirstIndex (x: x == c) (throw "invalid hex digit ${c}") (lib.strings.stringToCharacters "0123456789abcdef");
  in builtins.foldl' (acc: c: acc * 16 + val c) 0 (lib.strings.stringToCharacters s);
  isInt = builtins.isInt;
}
