# Option declarations: `mkOption`, `mkEnableOption`, `mkPackageOption` and the merge helpers.
{ lib }:
let
  inherit (builtins) head length all isAttrs concatStringsSep;
in
rec {
  isOption = v: isAttrs v && v ? _type && v._type == "option";
  mkOption = { default ? null, defaultText ? null, example ? null, description ? null,
    relatedPackages ? null, type ? null, apply ? null, internal ? null, visible ? null,
    readOnly ? null, ... }@attrs:
    attrs // { _type = "option"; };
  mkEnableOption = name: mkOption {
    default = false;
    example = true;
    description = "Whether to enable ${name}.";
    type = lib.types.bool;
  };
  mkPackageOption = pkgs: name: { nullable ? false, default ? name, example ? null, extraDescription ? "", pkgsText ? "pkgs" }:
    let
      path = if builtins.isList default then default else if builtins.isString default then lib.strings.splitString "." default else [ name ];
      defaultValue = if default == null then null else lib.attrsets.attrByPath path (throw "${concatStringsSep "." path} cannot be found in ${pkgsText}") pkgs;
    in mkOption {
      type = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
      description = "The ${if builtins.isList name then concatStringsSep "." name else name} package to use.";
    } // (if default == null then { } else { default = defaultValue; });
  mkPackageOptionMD = mkPackageOption;
  mkSinkUndeclaredOptions = attrs: mkOption ({
    internal = true;
    visible = false;
    default = false;
    type = lib.types.anything;
    apply = x: throw "Option value is not readable because the option is not declared.";
  } // attrs);
  mergeDefaultOption = loc: defs:
    let list = getValues defs; in
    if length list == 1 then head list
    else if all builtins.isFunction list then x: mergeDefaultOption loc (map (f: f x) list)
    else if all builtins.isList list then builtins.concatLists list
    else if all isAttrs list then builtins.foldl' lib.trivial.mergeAttrs { } list
    else if all builtins.isBool list then builtins.foldl' lib.trivial.or false list
    else if all builtins.isString list then lib.strings.concatStrings list
    else if all builtins.isInt list && all (x: x == head list) list then head list
    else throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";
  mergeOneOption = mergeUniqueOption { message = ""; };
  mergeUniqueOption = { message }: loc: defs:
    if length defs == 1 then (head defs).value
    else throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.\n${message}\nDefinition values:${showDefs defs}";
  mergeEqualOption = loc: defs:
    if defs == [ ] then abort "This case should never happen."
    else if length defs == 1 then (head defs).value
    else (builtins.foldl' (first: def:
      if def.value != first.value then
        throw "The option `${showOption loc}' has conflicting definition values:${showDefs [ first def ]}"
      else first) (head defs) (builtins.tail defs)).value;
  getValues = map (x: x.value);
  getFiles = map (x: x.file);
  showOption = parts:
    let
      escapeOptionPart = part:
        if part == "*" || part == "<name>" || builtins.match "[a-zA-Z_][a-zA-Z0-9_'-]*" part != null then part
        else lib.strings.escapeNixString part;
    in concatStringsSep "." (map escapeOptionPart parts);
  showFiles = files: concatStringsSep " and " (map (f: "`${f}'") files);
  showDefs = defs: lib.strings.concatMapStrings (def:
    let v = def.value; shown = if builtins.isString v then builtins.toJSON v
      else if builtins.elem (builtins.typeOf v) [ "int" "bool" "float" "null" ] then builtins.toJSON v
      else "<${builtins.typeOf v}>"; in "\n- In `${def.file}': ${shown}") defs;
  unknownModule = "<unknown-file>";
  literalExpression = text: { _type = "literalExpression"; inherit text; };
  literalExample = literalExpression;
  literalMD = text: { _type = "literalMD"; inherit text; };
  mdDoc = x: x;
  optionAttrSetToDocList = _: [ ];
}
