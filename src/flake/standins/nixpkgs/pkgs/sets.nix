# Package sets flakes reach into whose shape matters beyond "a package per name": versioned
# sets (`cudaPackages_12_4.cudaVersion`, `llvmPackages_18.stdenv`, `python311`), Haskell
# (`haskellPackages.callCabal2nix`, `haskell.lib.dontCheck`, `haskell.packages.ghc96`), and
# `unlisted NAME`, which decides what a name the stand-in does not list stands for.
{ lib, final, package, packageSet, mkPython }:
let
  inherit (builtins) match head elemAt isAttrs;
  cudaSet = version:
    let parts = lib.strings.splitString "." version; in
    packageSet [ ] {
      cudaVersion = version;
      cudaMajorVersion = head parts;
      cudaMajorMinorVersion = version;
      cudaAtLeast = lib.strings.versionAtLeast version;
      cudaOlder = lib.strings.versionOlder version;
      inherit (final) stdenv;
      backendStdenv = final.stdenv;
      callPackage = lib.customisation.callPackageWith final;
    };
  llvmSet = version: packageSet [ ] {
    inherit (final) stdenv;
    libcxxStdenv = final.stdenv;
    release_version = version;
    version = version;
  };
  haskellSet = ghcVersion: lib.fixedPoints.fix (self: packageSet [ ] {
    ghc = package "ghc-${ghcVersion}" // { version = ghcVersion; };
    callPackage = lib.customisation.callPackageWith (final // self);
    callCabal2nix = name: src: args: package name;
    callCabal2nixWithOptions = name: src: opts: args: package name;
    callHackage = name: version: args: package "${name}-${version}";
    callHackageDirect = { pkg, ver, ... }: args: package "${pkg}-${ver}";
    developPackage = { root, name ? baseNameOf (toString root), returnShellEnv ? false, ... }:
      if returnShellEnv then final.mkShell { inherit name; } else package name;
    shellFor = { packages ? (_: [ ]), nativeBuildInputs ? [ ], buildInputs ? [ ], ... }@args:
      final.mkShell (removeAttrs args [ "packages" "withHoogle" "genericBuilderArgsModifier" "doBenchmark" "extraDependencies" ] // {
        inherit nativeBuildInputs buildInputs;
      });
    ghcWithPackages = f: package "ghc-${ghcVersion}-with-packages";
    ghcWithHoogle = f: package "ghc-${ghcVersion}-with-packages";
    extend = overlay: lib.fixedPoints.fix (lib.fixedPoints.extends overlay (_: self));
    override = _: self;
    mkDerivation = args: final.stdenv.mkDerivation (removeAttrs args [ "license" "isLibrary" "isExecutable" "libraryHaskellDepends" "executableHaskellDepends" "testHaskellDepends" ] // {
      name = "${args.pname}-${args.version}";
    });
  });
  # `haskell.lib` functions take a package (and sometimes more) and give it back.
  haskellLib = {
    __nixevalMissingAttr = _: x:
      if isAttrs x && x.type or null == "derivation" then x // { __functor = self: _: x; }
      else y: y;
  };
in
{
  haskellPackages = haskellSet "9.8.4";
  haskell = {
    packages = { __nixevalMissingAttr = name: haskellSet (lib.strings.removePrefix "ghc" name); };
    compiler = packageSet [ ] { };
    lib = haskellLib // { compose = haskellLib; };
  };
  cudaPackages = cudaSet "12.8";
  llvmPackages = llvmSet "19";

  unlisted = name:
    let
      cuda = match "cudaPackages_([0-9]+)(_([0-9]+))?" name;
      llvm = match "llvmPackages_([0-9]+)" name;
      python = match "python3([0-9]+)(Packages)?" name;
      ghc = match "haskellPackages_?ghc([0-9]+)" name;
    in
    if cuda != null then cudaSet (head cuda + (if elemAt cuda 2 != null then ".${elemAt cuda 2}" else ".0"))
    else if llvm != null then llvmSet (head llvm)
    else if python != null then
      (let py = mkPython { version = "3.${head python}.0"; attr = "python3${head python}"; }; in
        if elemAt python 1 != null then py.pkgs else py)
    else if ghc != null then haskellSet (head ghc)
    else if match ".*[sS]tdenv.*" name != null then final.stdenv
    else package name;
}
