# Attribute sets: paths, mapping, filtering, zipping, recursive updates, derivation outputs.
{ lib }:
let
  inherit (builtins) attrNames listToAttrs hasAttr isAttrs getAttr head tail length elemAt
    concatMap filter foldl' mapAttrs removeAttrs;
in
rec {
  attrByPath = attrPath: default: set:
    let
      n = length attrPath;
      go = i: s: if i == n then s
        else let a = elemAt attrPath i; in if s ? ${a} then go (i + 1) s.${a} else default;
    in go 0 set;
  hasAttrByPath = attrPath: e:
    let
      n = length attrPath;
      go = i: s: if i == n then true
        else let a = elemAt attrPath i; in if isAttrs s && s ? ${a} then go (i + 1) s.${a} else false;
    in go 0 e;
  setAttrByPath = attrPath: value:
    let
      n = length attrPath;
      go = i: if i == n then value else { ${elemAt attrPath i} = go (i + 1); };
    in go 0;
  getAttrFromPath = attrPath: set:
    attrByPath attrPath (abort ("cannot find attribute '" + lib.strings.concatStringsSep "." attrPath + "'")) set;
  attrVals = nameList: set: map (x: set.${x}) nameList;
  getAttrs = names: attrs: genAttrs names (name: attrs.${name});
  filterAttrs = pred: set:
    removeAttrs set (filter (name: !pred name set.${name}) (attrNames set));
  filterAttrsRecursive = pred: set:
    listToAttrs (concatMap (name:
      let v = set.${name}; in
      if pred name v then [ (nameValuePair name (if isAttrs v then filterAttrsRecursive pred v else v)) ]
      else [ ]) (attrNames set));
  foldlAttrs = f: init: set: foldl' (acc: name: f acc name set.${name}) init (attrNames set);
  foldAttrs = op: nul: list_of_attrs:
    foldl' (a: n: foldl' (o: name: o // { ${name} = op n.${name} (a.${name} or nul); }) a (attrNames n))
      { } (lib.lists.reverseList list_of_attrs);
  collect = pred: attrs:
    if pred attrs then [ attrs ]
    else if isAttrs attrs then concatMap (collect pred) (builtins.attrValues attrs)
    else [ ];
  cartesianProduct = attrsOfLists:
    foldl' (listOfAttrs: attrName:
      concatMap (attrs: map (listValue: attrs // { ${attrName} = listValue; }) attrsOfLists.${attrName}) listOfAttrs)
      [ { } ] (attrNames attrsOfLists);
  cartesianProductOfSets = cartesianProduct;
  mapCartesianProduct = f: attrsOfLists: map f (cartesianProduct attrsOfLists);
  nameValuePair = name: value: { inherit name value; };
  mapAttrs' = f: set: listToAttrs (map (attr: f attr set.${attr}) (attrNames set));
  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);
  attrsToList = mapAttrsToList nameValuePair;
  mapAttrsFlatten = mapAttrsToList;
  concatMapAttrs = f: v: foldl' (a: b: a // b) { } (mapAttrsToList f v);
  mapAttrsRecursive = f: set: mapAttrsRecursiveCond (as: true) f set;
  mapAttrsRecursiveCond = cond: f: set:
    let
      recurse = path:
        mapAttrs (name: value:
          if isAttrs value && cond value then recurse (path ++ [ name ]) value
          else f (path ++ [ name ]) value);
    in recurse [ ] set;
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
  genAttrs' = xs: f: listToAttrs (map f xs);
  isDerivation = value: value.type or null == "derivation";
  toDerivation = path:
    let path' = builtins.storePath path; in {
      type = "derivation";
      name = lib.strings.sanitizeDerivationName (builtins.substring 33 (-1) (baseNameOf path'));
      outPath = path';
      outputs = [ "out" ];
      out = path';
      outputName = "out";
    };
  optionalAttrs = cond: as: if cond then as else { };
  zipAttrsWithNames = names: f: sets:
    listToAttrs (map (name: { inherit name; value = f name (builtins.catAttrs name sets); }) names);
  zipAttrsWith = builtins.zipAttrsWith;
  zipAttrs = zipAttrsWith (name: values: values);
  mergeAttrsList = list: foldl' (a: b: a // b) { } list;
  recursiveUpdateUntil = pred: lhs: rhs:
    let
      f = attrPath:
        builtins.zipAttrsWith (n: values:
          let here = attrPath ++ [ n ]; in
          if length values == 1 || pred here (elemAt values 1) (head values)
          then head values
          else f here values);
    in f [ ] [ rhs lhs ];
  recursiveUpdate = lhs: rhs:
    recursiveUpdateUntil (path: lhs: rhs: !(isAttrs lhs && isAttrs rhs)) lhs rhs;
  matchAttrs = pattern: attrs:
    assert isAttrs pattern;
    lib.lists.all (attr:
      let lhs = pattern.${attr}; in
      attrs ? ${attr} && (let rhs = attrs.${attr}; in
        if isAttrs lhs then isAttrs rhs && matchAttrs lhs rhs else lhs == rhs))
      (attrNames pattern);
  overrideExisting = old: new: mapAttrs (name: value: new.${name} or value) old;
  showAttrPath = path:
    if path == [ ] then "<root attribute path>"
    else lib.strings.concatMapStringsSep "." lib.strings.escapeNixIdentifier path;
  getOutput = output: pkg:
    if !pkg ? outputSpecified || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getDev = getOutput "dev";
  getMan = getOutput "man";
  getInclude = getOutput "include";
  chooseDevOutputs = builtins.map getDev;
  recurseIntoAttrs = attrs: attrs // { recurseForDerivations = true; };
  dontRecurseIntoAttrs = attrs: attrs // { recurseForDerivations = false; };
  dontDistribute = drv: lib.meta.addMetaAttrs { hydraPlatforms = [ ]; } drv;
  updateManyAttrsByPath = updates: value:
    foldl' (acc: u:
      let
        go = path: v:
          if path == [ ] then u.update v
          else let a = head path; in
            (if isAttrs v then v else { }) // { ${a} = go (tail path) (if isAttrs v && v ? ${a} then v.${a} else null); };
      in go u.path acc) value updates;
  mapAttrsToListRecursiveCond = pred: f: set:
    let
      visit = path: value:
        if isAttrs value && pred path value then walk path value else [ (f path value) ];
      walk = path: s: concatMap (name: visit (path ++ [ name ]) s.${name}) (attrNames s);
    in walk [ ] set;
  mapAttrsToListRecursive = mapAttrsToListRecursiveCond (_: _: true);
  getFirstOutput = candidates: pkg:
    let present = filter (name: hasAttr name pkg) candidates; in
    if pkg.outputSpecified or false || present == [ ] then pkg else pkg.${head present};
  getStatic = getFirstOutput [ "static" "lib" "out" ];
  concatAttrValues = set: builtins.concatLists (builtins.attrValues set);
  unionOfDisjoint = x: y:
    let
      intersection = builtins.intersectAttrs x y;
      collisions = lib.strings.concatStringsSep " " (attrNames intersection);
      mask = builtins.mapAttrs (name: value: builtins.throw "unionOfDisjoint: collision on ${name}; complete list: ${collisions}") intersection;
    in (x // y) // mask;
}
