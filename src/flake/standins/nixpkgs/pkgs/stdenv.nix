# `stdenv.mkDerivation` for the stand-in package sets: the `finalAttrs:` fixed point,
# `overrideAttrs`, `passthru`, `meta`, multiple outputs. Every result is a real `derivation`
# whose builder only fails (nothing here can be built), marked `__nixevalStandIn = true`.
{ lib, platform }:
let
  inherit (builtins) isFunction isAttrs isList removeAttrs filter attrNames listToAttrs concatMap;
  # Attributes that are not part of the derivation's environment.
  nonEnv = [ "passthru" "meta" "pos" "env" "finalPackage" "overrideAttrs" "__structuredAttrs" "shellHook'" ];
  coercible = v:
    !(isFunction v) && (!(isAttrs v) || v ? outPath || v ? __toString)
    && (!(isList v) || lib.lists.all coercible v);
  makeDerivationExtensible = stdenvName: rattrs:
    let
      args = rattrs (args // { inherit finalPackage overrideAttrs; });
      overrideAttrs = f0:
        let
          f = self: super:
            let x = f0 super; in
            if isFunction x then f0 self super else x;
        in
        makeDerivationExtensible stdenvName (self: let super = rattrs self; in super // f self super);
      finalPackage = mkDrv stdenvName args overrideAttrs;
    in finalPackage;
  mkDrv = stdenvName: attrs: overrideAttrs:
    let
      name = attrs.name or (if attrs ? pname then "${attrs.pname}${lib.strings.optionalString (attrs ? version) "-${attrs.version}"}" else throw "derivation has neither a name nor a pname");
      # Values are checked lazily (a value that cannot go into the environment becomes null and
      # `__ignoreNulls` drops it, as nixpkgs drops nulls), so listing the package's attributes
      # or reading its name forces none of them (`src` may be an import from a derivation).
      envAttrs = builtins.mapAttrs (n: v: if coercible v then v else null) (removeAttrs attrs (nonEnv ++ [ "name" ]));
      drv = derivation (envAttrs // (attrs.env or { }) // {
        inherit name;
        system = attrs.system or platform.system;
        builder = "/bin/sh";
        args = [ "-c" "echo 'this derivation comes from nixeval'\\''s stand-in nixpkgs and cannot be built' >&2; exit 1" ];
        stdenv = stdenvName;
        outputs = attrs.outputs or [ "out" ];
        __ignoreNulls = true;
      });
      # The package shows the values it was given (a function stays a function), as with nixpkgs.
      shown = removeAttrs attrs (nonEnv ++ [ "name" "system" "builder" "args" "stdenv" "outputs" ]);
      meta = {
        inherit name;
        available = true;
        broken = false;
        unfree = false;
        insecure = false;
        outputsToInstall = [ (builtins.head (attrs.outputs or [ "out" ])) ];
        position = null;
      } // (attrs.meta or { });
      passthru = attrs.passthru or { };
    in
    drv // shown // passthru // {
      inherit meta overrideAttrs;
      __nixevalStandIn = true;
    } // lib.attrsets.optionalAttrs (attrs ? shellHook) { inherit (attrs) shellHook; };
  # The C compiler wrapper (`stdenv.cc`): gcc on Linux, clang on Darwin, with its `libc`,
  # `cc` and `bintools`; other attributes are packages named after them (unmodelled.nix).
  unmodelled = import ./unmodelled.nix { inherit lib; mkDerivation = (mkStdenv "stdenv-${if platform.isDarwin then "darwin" else "linux"}").mkDerivation; };
  compiler = unmodelled.package (if platform.isDarwin then "clang-wrapper" else "gcc-wrapper") // {
    isClang = platform.isDarwin;
    isGNU = !platform.isDarwin;
    targetPrefix = "";
    libc = unmodelled.package (if platform.isDarwin then "libSystem" else "glibc");
    cc = unmodelled.package (if platform.isDarwin then "clang" else "gcc");
    bintools = unmodelled.package "binutils-wrapper";
    version = if platform.isDarwin then "19.1.7" else "14.2.1";
  };
  mkStdenv = stdenvName: rec {
    name = stdenvName;
    system = platform.system;
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    inherit (platform) isLinux isDarwin isx86_64 isAarch64 is64bit isFreeBSD;
    isi686 = platform.isx86_32;
    cc = if stdenvName == "stdenv-linux-nocc" || stdenvName == "stdenv-darwin-nocc" then null else compiler;
    shell = "/bin/sh";
    mkDerivation = fnOrAttrs:
      makeDerivationExtensible stdenvName (if isFunction fnOrAttrs then fnOrAttrs else _: fnOrAttrs);
    outPath = "/nix/store/00000000000000000000000000000000-${stdenvName}";
    __nixevalStandIn = true;
  };
in
{
  stdenv = mkStdenv "stdenv-${if platform.isDarwin then "darwin" else "linux"}";
  stdenvNoCC = mkStdenv "stdenv-${if platform.isDarwin then "darwin" else "linux"}-nocc";
}
