# `lib.path`: joining and comparing path values and relative subpaths.
{ lib }:
let
  inherit (builtins) isPath isString split filter length head tail elemAt concatStringsSep genList;
  componentsOf = s: filter (c: isString c && c != "" && c != ".") (split "/+" s);
  validSubpath = s: isString s && s != "" && builtins.substring 0 1 s != "/"
    && !(builtins.elem ".." (filter isString (split "/+" s)));
  subpathError = s:
    if !isString s then "lib.path.subpath: value is of type ${builtins.typeOf s}, not a string"
    else if s == "" then "The given string \"\" is not a valid subpath: The string is empty"
    else if builtins.substring 0 1 s == "/" then "The given string \"${s}\" is not a valid subpath: The string starts with a `/`, representing an absolute path"
    else "The given string \"${s}\" is not a valid subpath: The string contains a `..` component, which is not allowed in subpaths";
in
rec {
  append = path: subpath:
    assert lib.assertMsg (isPath path) "lib.path.append: The first argument is of type ${builtins.typeOf path}, but a path was expected";
    assert lib.assertMsg (validSubpath subpath) "lib.path.append: Second argument is not a valid subpath string:\n    ${subpathError subpath}";
    path + ("/" + subpath);
  hasPrefix = path1: path2:
    let a = componentsOf (toString path1); b = componentsOf (toString path2); in
    length a <= length b && lib.lists.take (length a) b == a;
  removePrefix = path1: path2:
    let a = componentsOf (toString path1); b = componentsOf (toString path2); in
    if !(hasPrefix path1 path2) then throw "lib.path.removePrefix: The first path argument \"${toString path1}\" is not a component-wise prefix of the second path argument \"${toString path2}\"."
    else if length a == length b then "./."
    else "./" + concatStringsSep "/" (lib.lists.drop (length a) b);
  splitRoot = path: { root = /.; subpath = "./" + concatStringsSep "/" (componentsOf (toString path)); };
  hasStorePathPrefix = path: lib.strings.hasPrefix builtins.storeDir (toString path);
  subpath = {
    isValid = validSubpath;
    components = s:
      assert lib.assertMsg (validSubpath s) "lib.path.subpath.components: Argument is not a valid subpath string:\n    ${subpathError s}";
      componentsOf s;
    join = subpaths:
      let parts = builtins.concatLists (lib.lists.imap0 (i: s:
        assert lib.assertMsg (validSubpath s) "lib.path.subpath.join: Element at index ${toString i} is not a valid subpath string:\n    ${subpathError s}";
        componentsOf s) subpaths);
      in if parts == [ ] then "./." else "./" + concatStringsSep "/" parts;
    normalise = s:
      assert lib.assertMsg (validSubpath s) "lib.path.subpath.normalise: Argument is not a valid subpath string:\n    ${subpathError s}";
      let parts = componentsOf s; in if parts == [ ] then "./." else "./" + concatStringsSep "/" parts;
  };
}
