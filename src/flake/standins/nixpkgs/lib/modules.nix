# The module system: `evalModules` with `imports`, `options`, `config`, shorthand modules,
# `_module.args`, `specialArgs`, freeform types, `disabledModules`, and the properties
# `mkIf`, `mkMerge`, `mkOverride` (priorities) and `mkOrder`. Definitions are merged by their
# option types (see types.nix). Not done: option documentation, `_module.check` of undeclared
# definitions inside submodules beyond freeform, renamed-option warnings.
#
# A module from a flake input that nixeval cannot read is an opaque value (one that has every
# attribute, so `m ? __nixevalOpaque` holds for it and for nothing else). Such modules are left
# out; their options are then unknown, so definitions of undeclared options are kept as
# freeform values, attribute sets among them extended by the opaque module's (unknown) ones,
# and `config` itself is the known configuration over the opaque rest.
{ lib }:
let
  inherit (builtins) isAttrs isFunction isPath isString isList attrNames filter concatMap
    length head tail elem mapAttrs listToAttrs functionArgs;
  inherit (lib.options) isOption showOption;
  isModuleRef = m: isPath m || isString m;
  isOpaque = m: m ? __nixevalOpaque;
  known = filter (m: !(isOpaque m));
in
rec {
  defaultOverridePriority = 100;
  defaultOrderPriority = 1000;
  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkAssert = assertion: message: content:
    mkIf (if assertion then true else throw "\nFailed assertion: ${message}") content;
  mkMerge = contents: { _type = "merge"; inherit contents; };
  mkDefinition = args@{ file, value }: args // { _type = "definition"; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;
  mkImageMediaOverride = mkOverride 60;
  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;
  mkFixStrictness = x: x;
  mkOrder = priority: content: { _type = "order"; inherit priority content; };
  mkBefore = mkOrder 500;
  mkAfter = mkOrder 1500;
  mkAliasDefinitions = mkAliasAndWrapDefinitions (x: x);
  mkAliasAndWrapDefinitions = wrap: option:
    mkIf (option.isDefined or false) (wrap (mkMerge (option.definitions or [ option.value ])));
  mkDerivedConfig = opt: f: mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);
  # Option renames and removals are accepted and ignored.
  mkRemovedOptionModule = optionName: replacementInstructions: { };
  mkRenamedOptionModule = from: to: { };
  mkRenamedOptionModuleWith = args: { };
  mkMergedOptionModule = from: to: mergeFn: { };
  mkChangedOptionModule = from: to: changeFn: { };
  mkAliasOptionModule = from: to: { };
  doRename = args: { };
  importApply = modulePath: staticArg: lib.modules.setDefaultModuleLocation modulePath (import modulePath staticArg);
  setDefaultModuleLocation = file: m: { _file = file; imports = [ m ]; };
  fixMergeModules = modules: args: evalModules { inherit modules args; };
  mergeModules = prefix: modules: throw "lib.modules.mergeModules is not available in nixeval's stand-in nixpkgs";

  pushDownProperties = cfg:
    let t = cfg._type or ""; in
    if t == "merge" then concatMap pushDownProperties cfg.contents
    else if t == "if" then map (mapAttrs (n: v: mkIf cfg.condition v)) (pushDownProperties cfg.content)
    else if t == "override" then map (mapAttrs (n: v: mkOverride cfg.priority v)) (pushDownProperties cfg.content)
    else [ cfg ];

  dischargeProperties = def:
    let t = def._type or ""; in
    if t == "merge" then concatMap dischargeProperties def.contents
    else if t == "if" then
      if builtins.isBool def.condition then
        (if def.condition then dischargeProperties def.content else [ ])
      else throw "mkIf called with a non-Boolean condition"
    else [ def ];

  filterOverrides = defs: (filterOverrides' defs).values;
  filterOverrides' = defs:
    let
      getPrio = def: if (def.value._type or "") == "override" then def.value.priority else defaultOverridePriority;
      highestPrio = builtins.foldl' (prio: def: lib.trivial.min (getPrio def) prio) 9999 defs;
      strip = def: if (def.value._type or "") == "override" then def // { value = def.value.content; } else def;
    in {
      values = concatMap (def: if getPrio def == highestPrio then [ (strip def) ] else [ ]) defs;
      inherit highestPrio;
    };

  sortProperties = defs:
    let
      strip = def: if (def.value._type or "") == "order" then def // { value = def.value.content; inherit (def.value) priority; } else def;
      defs' = map strip defs;
      defs'' = lib.lists.imap0 (i: d: d // { __index = i; priority = d.priority or defaultOrderPriority; }) defs';
      sorted = builtins.sort (a: b: a.priority < b.priority || (a.priority == b.priority && a.__index < b.__index)) defs'';
    in map (d: removeAttrs d [ "__index" "priority" ]) sorted;

  mergeDefinitions = loc: type: defs:
    let
      discharged = concatMap (m: map (value: { inherit (m) file; inherit value; }) (dischargeProperties m.value)) defs;
      overridden = filterOverrides' discharged;
      defsFinal = sortProperties overridden.values;
      isDefined = defsFinal != [ ];
      badDef = lib.lists.findFirst (def: !type.check def.value) null defsFinal;
      mergedValue =
        if isDefined then
          if badDef == null then type.merge loc defsFinal
          else throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values:${lib.options.showDefs [ badDef ]}"
        else throw "The option `${showOption loc}' was accessed but has no value defined. Try setting the option.";
    in {
      inherit defsFinal isDefined mergedValue;
      inherit (overridden) highestPrio;
      optionalValue = if isDefined then { value = mergedValue; } else { };
    };

  applyModuleArgsIfFunction = key: f: args@{ config, ... }:
    if isFunction f || (isAttrs f && f ? __functor) then
      let extraArgs = mapAttrs (name: _: args.${name} or config._module.args.${name}) (lib.trivial.functionArgs f);
      in f (args // extraArgs)
    else f;

  unifyModuleSyntax = file: key: m:
    let
      addMeta = config: if m ? meta then mkMerge [ config { meta = m.meta; } ] else config;
      addFreeform = config: if m ? freeformType then mkMerge [ config { _module.freeformType = m.freeformType; } ] else config;
    in
    if m ? config || m ? options then
      let extra = builtins.filter (n: !(elem n [ "_class" "_file" "key" "disabledModules" "imports" "options" "config" "meta" "freeformType" ])) (attrNames m); in
      if extra != [ ] then
        throw "Module `${key}' has an unsupported attribute `${head extra}'. This is caused by introducing a top-level `config' or `options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${builtins.concatStringsSep " " extra}) into the explicit `config' attribute."
      else {
      _file = m._file or file;
      key = toString m.key or key;
      disabledModules = m.disabledModules or [ ];
      imports = m.imports or [ ];
      options = m.options or { };
      config = addFreeform (addMeta (m.config or { }));
    } else {
      _file = m._file or file;
      key = toString m.key or key;
      disabledModules = m.disabledModules or [ ];
      imports = (m.require or [ ]) ++ (m.imports or [ ]);
      options = { };
      config = addFreeform (removeAttrs m [ "_class" "_file" "key" "disabledModules" "require" "imports" "freeformType" ]);
    };

  evalModules = evalArgs@{ modules, prefix ? [ ], args ? { }, specialArgs ? { }, check ? true, class ? null }:
    let
      internalModule = {
        _file = "lib/modules.nix";
        key = "lib/modules.nix";
        options._module.args = lib.options.mkOption { type = lib.types.lazyAttrsOf lib.types.raw; default = { }; };
        options._module.freeformType = lib.options.mkOption { type = lib.types.nullOr lib.types.raw; default = null; };
        options._module.check = lib.options.mkOption { type = lib.types.bool; default = true; };
        options._module.specialArgs = lib.options.mkOption { type = lib.types.raw; readOnly = true; };
        config._module.args = args;
        config._module.specialArgs = specialArgs;
      };
      moduleArgs = { inherit lib options config specialArgs; _class = class; _prefix = prefix; } // specialArgs;

      load = file: key: m:
        if isModuleRef m then load (toString m) (toString m) (import m)
        else unifyModuleSyntax file key (applyModuleArgsIfFunction key m moduleArgs);

      closure = builtins.genericClosure {
        startSet = lib.lists.imap1 (i: m: { key = if isModuleRef m then toString m else "${toString prefix}:anon-${toString i}"; module = m; parentFile = "<unknown-file>"; }) ([ internalModule ] ++ known modules);
        operator = item:
          let loaded = load item.parentFile item.key item.module; in
          lib.lists.imap1 (i: m: { key = if isModuleRef m then toString m else "${item.key}:anon-${toString i}"; module = m; parentFile = loaded._file; }) (known loaded.imports);
      };
      # The first module left out because it is opaque, or null.
      skippedOpaque = lib.lists.findFirst isOpaque null (modules ++ concatMap (m: m.imports) loadedAll);
      hasOpaque = skippedOpaque != null;
      loadedAll = map (item: load item.parentFile item.key item.module) closure;
      disabled = map toString (concatMap (m: m.disabledModules) loadedAll);
      loaded = filter (m: !(elem m.key disabled) && !(elem (baseNameOf m.key) disabled)) loadedAll;

      # The option declarations of all modules, merged into one tree.
      mergeDecls = decls:
        let opts = filter isOption decls; in
        if opts != [ ] then builtins.foldl' (a: b: a // b) { } opts
        else let names = lib.lists.unique (concatMap attrNames (filter isAttrs decls)); in
          listToAttrs (map (n: { name = n; value = mergeDecls (concatMap (d: if isAttrs d && d ? ${n} then [ d.${n} ] else [ ]) decls); }) names);
      declarations = mergeDecls (map (m: m.options) loaded);

      topDefs = map (m: { file = m._file; value = m.config; }) loaded;
      # Read directly rather than through `config`, whose attribute names depend on it.
      freeformType = (evalOption (prefix ++ [ "_module" "freeformType" ]) declarations._module.freeformType
        (defsAt "freeformType" (pushed (defsAt "_module" (pushed topDefs))))).value;

      evalOption = loc: opt: defs:
        let
          type = opt.type or lib.types.unspecified;
          defs' = (if opt ? default then [ { file = "<default>"; value = mkOptionDefault opt.default; } ] else [ ]) ++ defs;
          res = mergeDefinitions loc type defs';
          value = if opt ? apply then opt.apply res.mergedValue else res.mergedValue;
        in { inherit value; inherit (res) isDefined highestPrio; definitions = map (d: d.value) res.defsFinal; };

      defsAt = n: defs: concatMap (d: if isAttrs d.value && d.value ? ${n} then [ { inherit (d) file; value = d.value.${n}; } ] else [ ]) defs;
      pushed = defs: concatMap (d: map (value: { inherit (d) file; inherit value; }) (pushDownProperties d.value)) defs;

      evalTree = path: decls: defs:
        let
          defs' = pushed defs;
          declared = mapAttrs (n: decl:
            let loc = path ++ [ n ]; here = defsAt n defs'; in
            if isOption decl then (evalOption (prefix ++ loc) decl here).value
            else evalTree loc decl here) decls;
          undeclaredNames = filter (n: !(decls ? ${n})) (lib.lists.unique (concatMap (d: if isAttrs d.value then attrNames d.value else [ ]) defs'));
          freeform =
            if undeclaredNames == [ ] then { }
            else if freeformType == null && !hasOpaque then
              throw "The option `${showOption (prefix ++ path ++ [ (head undeclaredNames) ])}' does not exist. Definition values:${lib.options.showDefs (defsAt (head undeclaredNames) defs')}"
            else listToAttrs (map (n: {
              name = n;
              value =
                let
                  type = if freeformType == null then lib.types.lazyAttrsOf lib.types.anything else freeformType;
                  v = (mergeDefinitions (prefix ++ path) type (map (d: d // { value = { ${n} = d.value; }; }) (defsAt n defs'))).mergedValue.${n};
                in
                if hasOpaque && isAttrs v && (v.type or null) != "derivation" then skippedOpaque.${n} // v else v;
            }) undeclaredNames);
        in
        if isOption decls then throw "internal error: option at ${showOption path}"
        else freeform // declared;

      config = if hasOpaque then skippedOpaque // evalTree [ ] declarations topDefs else evalTree [ ] declarations topDefs;

      options = let
        annotate = path: decls: mapAttrs (n: decl:
          let loc = path ++ [ n ]; in
          if isOption decl then decl // {
            loc = prefix ++ loc;
            value = lib.attrsets.attrByPath loc null config;
            isDefined = true;
          } else annotate loc decl) decls;
      in annotate [ ] declarations;
    in {
      inherit options config;
      _module = config._module;
      _type = "configuration";
      class = class;
      extendModules = { modules ? [ ], specialArgs ? { }, prefix ? [ ] }:
        evalModules (evalArgs // {
          modules = evalArgs.modules ++ modules;
          specialArgs = (evalArgs.specialArgs or { }) // specialArgs;
          prefix = if prefix == [ ] then evalArgs.prefix or [ ] else prefix;
        });
      type = lib.types.submoduleWith { inherit modules specialArgs class; };
    };

  importJSON = file: { _file = file; config = lib.trivial.importJSON file; };
  importTOML = file: { _file = file; config = lib.trivial.importTOML file; };
}
