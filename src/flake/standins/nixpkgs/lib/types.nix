# Option types: checks and merge functions of the types NixOS modules and flakes declare.
{ lib }:
let
  inherit (builtins) isAttrs isList isString isInt isBool isFloat isFunction head length
    concatLists all any elem filter mapAttrs attrNames typeOf;
  inherit (lib.options) mergeEqualOption mergeOneOption mergeDefaultOption showOption showFiles getFiles getValues;
  isStringLike = lib.strings.isStringLike;
in
rec {
  isType = type: x: (x._type or "") == type;
  isOptionType = isType "option-type";
  mkOptionType = { name, description ? null, descriptionClass ? null, check ? (x: true),
    merge ? mergeDefaultOption, emptyValue ? { }, getSubOptions ? prefix: { },
    getSubModules ? null, substSubModules ? m: null, typeMerge ? null, functor ? { inherit name; },
    deprecationMessage ? null, nestedTypes ? { } }: {
    _type = "option-type";
    inherit name check merge emptyValue getSubOptions getSubModules substSubModules functor
      deprecationMessage nestedTypes descriptionClass;
    description = if description == null then name else description;
  };

  anything = mkOptionType {
    name = "anything";
    description = "anything";
    merge = loc: defs:
      let
        getType = value: if isAttrs value && isStringLike value then "stringCoercibleSet" else typeOf value;
        commonType = builtins.foldl' (type: def:
          if getType def.value == type then type
          else throw "The option `${showOption loc}' has conflicting option types in ${showFiles (getFiles defs)}")
          (getType (head defs).value) defs;
        mergeFunction = {
          set = (attrsOf anything).merge;
          stringCoercibleSet = mergeOneOption;
          lambda = loc: defs: arg: anything.merge (loc ++ [ "<function body>" ]) (map (def: { file = def.file; value = def.value arg; }) defs);
        }.${commonType} or mergeEqualOption;
      in mergeFunction loc defs;
  };
  unspecified = mkOptionType { name = "unspecified"; description = "unspecified value"; };
  raw = mkOptionType { name = "raw"; description = "raw value"; merge = mergeOneOption; };
  bool = mkOptionType { name = "bool"; description = "boolean"; check = isBool; merge = mergeEqualOption; };
  boolByOr = mkOptionType { name = "boolByOr"; check = isBool; merge = loc: defs: any (d: d.value) defs; };
  int = mkOptionType { name = "int"; description = "signed integer"; check = isInt; merge = mergeEqualOption; };
  ints = {
    unsigned = addCheck int (x: x >= 0);
    positive = addCheck int (x: x > 0);
    u8 = addCheck int (x: x >= 0 && x < 256);
    u16 = addCheck int (x: x >= 0 && x < 65536);
    u32 = addCheck int (x: x >= 0 && x < 4294967296);
    between = lo: hi: addCheck int (x: x >= lo && x <= hi);
  };
  port = ints.u16;
  float = mkOptionType { name = "float"; check = isFloat; merge = mergeEqualOption; };
  number = either int float;
  str = mkOptionType { name = "str"; description = "string"; check = isString; merge = mergeEqualOption; };
  nonEmptyStr = addCheck str (x: x != "");
  singleLineStr = addCheck str (x: builtins.match "[^\n]*\n?" x != null);
  strMatching = pattern: addCheck str (x: builtins.match pattern x != null);
  separatedString = sep: mkOptionType {
    name = "separatedString";
    check = isString;
    merge = loc: defs: builtins.concatStringsSep sep (getValues defs);
  };
  lines = separatedString "\n";
  commas = separatedString ",";
  envVar = separatedString ":";
  string = separatedString "";
  passwdEntry = t: t;
  attrs = mkOptionType { name = "attrs"; description = "attribute set"; check = isAttrs; merge = loc: builtins.foldl' (res: def: res // def.value) { }; };
  package = mkOptionType {
    name = "package";
    check = x: lib.attrsets.isDerivation x || isStringLike x;
    merge = loc: defs: let res = mergeOneOption loc defs; in res;
  };
  shellPackage = package;
  pkgs = package;
  path = mkOptionType { name = "path"; check = x: isStringLike x; merge = mergeEqualOption; };
  pathInStore = path;
  externalPath = path;
  enum = values: mkOptionType {
    name = "enum";
    description = "one of ${builtins.concatStringsSep ", " (map builtins.toJSON values)}";
    check = x: elem x values;
    merge = mergeEqualOption;
  };
  listOf = elemType: mkOptionType {
    name = "listOf";
    description = "list of ${elemType.description}";
    check = isList;
    merge = loc: defs:
      map (x: x.value) (filter (x: x ? value) (concatLists (lib.lists.imap1 (n: def:
        lib.lists.imap1 (m: def':
          (lib.modules.mergeDefinitions (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType [ { inherit (def) file; value = def'; } ]).optionalValue)
          def.value) defs)));
    emptyValue = { value = [ ]; };
    getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
    nestedTypes.elemType = elemType;
  };
  nonEmptyListOf = elemType: addCheck (listOf elemType) (l: l != [ ]);
  attrsWith = { elemType, lazy ? false, placeholder ? "name" }: mkOptionType {
    name = if lazy then "lazyAttrsOf" else "attrsOf";
    description = "attribute set of ${elemType.description}";
    check = isAttrs;
    merge = loc: defs:
      let
        pushed = map (def: { inherit (def) file; value = lib.modules.pushDownProperties def.value; }) defs;
        perName = builtins.zipAttrsWith (name: defs: lib.modules.mergeDefinitions (loc ++ [ name ]) elemType defs)
          (concatLists (map (def: map (v: mapAttrs (n: value: { inherit (def) file; inherit value; }) v) def.value) pushed));
      in
      if lazy then mapAttrs (n: v: if v.isDefined then v.mergedValue else v.optionalValue.value or elemType.emptyValue.value or v.mergedValue) perName
      else mapAttrs (n: v: v.optionalValue.value) (lib.attrsets.filterAttrs (n: v: v.optionalValue ? value) perName);
    emptyValue = { value = { }; };
    getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
    nestedTypes.elemType = elemType;
  };
  attrsOf = elemType: attrsWith { inherit elemType; };
  lazyAttrsOf = elemType: attrsWith { inherit elemType; lazy = true; };
  uniq = unique { message = ""; };
  unique = { message }: type: type // { merge = mergeOneOption; };
  nullOr = elemType: mkOptionType {
    name = "nullOr";
    description = "null or ${elemType.description}";
    check = x: x == null || elemType.check x;
    merge = loc: defs:
      let nrNulls = length (filter (def: def.value == null) defs); in
      if nrNulls == length defs then null
      else if nrNulls != 0 then throw "The option `${showOption loc}' is defined both null and not null, in ${showFiles (getFiles defs)}."
      else elemType.merge loc defs;
    emptyValue = { value = null; };
    getSubOptions = elemType.getSubOptions;
    nestedTypes.elemType = elemType;
  };
  functionTo = elemType: mkOptionType {
    name = "functionTo";
    description = "function that evaluates to a(n) ${elemType.description}";
    check = isFunction;
    merge = loc: defs: fnArgs:
      (lib.modules.mergeDefinitions (loc ++ [ "<function body>" ]) elemType (map (fn: { inherit (fn) file; value = fn.value fnArgs; }) defs)).mergedValue;
  };
  either = t1: t2: mkOptionType {
    name = "either";
    description = "${t1.description} or ${t2.description}";
    check = x: t1.check x || t2.check x;
    merge = loc: defs:
      let defList = map (d: d.value) defs; in
      if all (x: t1.check x) defList then t1.merge loc defs
      else if all (x: t2.check x) defList then t2.merge loc defs
      else mergeOneOption loc defs;
    nestedTypes = { left = t1; right = t2; };
  };
  oneOf = ts: let h = head ts; t = builtins.tail ts; in builtins.foldl' either h t;
  coercedTo = coercedType: coerceFunc: finalType: mkOptionType {
    name = "coercedTo";
    description = "${finalType.description} or ${coercedType.description} convertible to it";
    check = x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x;
    merge = loc: defs:
      let coerceVal = val: if coercedType.check val then coerceFunc val else val;
      in finalType.merge loc (map (def: def // { value = coerceVal def.value; }) defs);
    emptyValue = finalType.emptyValue;
    getSubOptions = finalType.getSubOptions;
  };
  addCheck = elemType: check: elemType // { check = x: elemType.check x && check x; };
  submoduleWith = { modules, specialArgs ? { }, shorthandOnlyDefinesConfig ? false, description ? null, class ? null }@attrs:
    mkOptionType {
      name = "submodule";
      description = if description != null then description else "submodule";
      check = x: isAttrs x || isFunction x || builtins.isPath x || isString x;
      merge = loc: defs:
        removeAttrs ((lib.modules.evalModules {
          inherit specialArgs class;
          prefix = loc;
          modules = [ { _module.args.name = lib.lists.last loc; } ] ++ modules
            ++ map (def: { _file = def.file; imports = [ def.value ]; }) defs;
        }).config) [ "_module" ];
      emptyValue = { value = { }; };
      getSubOptions = prefix: (lib.modules.evalModules { inherit modules specialArgs prefix; }).options;
      getSubModules = modules;
      functor = { name = "submodule"; payload = attrs; };
    };
  submodule = modules: submoduleWith {
    shorthandOnlyDefinesConfig = true;
    modules = lib.lists.toList modules;
  };
  deferredModule = deferredModuleWith { };
  deferredModuleWith = { staticModules ? [ ] }: mkOptionType {
    name = "deferredModule";
    check = x: isAttrs x || isFunction x || builtins.isPath x;
    merge = loc: defs: { imports = staticModules ++ map (def: { _file = def.file; imports = [ def.value ]; }) defs; };
  };
  optionType = mkOptionType { name = "optionType"; merge = loc: defs: (head defs).value; };
}
