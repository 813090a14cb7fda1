# Fixed points and overlays: `fix`, `extends`, `composeExtensions`, `makeExtensible`.
# Needs nothing from the rest of the library (the library itself is built with it).
{ lib }:
rec {
  fix = f: let x = f x; in x;
  fix' = f: let x = f x // { __unfix__ = f; }; in x;
  converge = f: x: let x' = f x; in if x' == x then x else converge f x';
  toExtension = f:
    if builtins.isFunction f then
      final: prev: let fPrev = f prev; in if builtins.isFunction fPrev then f final prev else fPrev
    else final: prev: f;
  extends = overlay: f: final: let prev = f final; in prev // overlay final prev;
  composeExtensions = f: g: final: prev:
    let
      fApplied = f final prev;
      prev' = prev // fApplied;
    in
    fApplied // g final prev';
  composeManyExtensions = list:
    let
      n = builtins.length list;
      go = i: if i == n then (final: prev: { }) else composeExtensions (builtins.elemAt list i) (go (i + 1));
    in
    go 0;
  makeExtensible = makeExtensibleWithCustomName "extend";
  makeExtensibleWithCustomName = extenderName: rattrs:
    fix' (self: (rattrs self) // {
      ${extenderName} = f: makeExtensibleWithCustomName extenderName (extends f rattrs);
    });
}
