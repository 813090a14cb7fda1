# Python interpreters and package sets: `python3`, `python3Packages`, `python3xx`,
# `buildPythonPackage`/`buildPythonApplication` (named `python3.xx-PNAME-VERSION`),
# `withPackages`, `.pkgs`, and `pythonPackagesExtensions` applied to every package set.
{ lib, final, names }:
let
  mkPython = { version, attr }:
    let
      major = lib.versions.major version;
      minor = lib.versions.minor version;
      prefix = "python${major}.${minor}";
      interpreter = final.stdenv.mkDerivation {
        pname = "python3";
        inherit version;
        passthru = {
          pkgs = packages;
          inherit withPackages;
          pythonVersion = "${major}.${minor}";
          sitePackages = "lib/${prefix}/site-packages";
          executable = prefix;
          interpreter = "${interpreter}/bin/${prefix}";
          pythonAtLeast = lib.strings.versionAtLeast "${major}.${minor}";
          pythonOlder = lib.strings.versionOlder "${major}.${minor}";
          isPy3k = true;
          override = _: interpreter;
          buildEnv = { extraLibs ? [ ], ... }: withPackages (_: extraLibs);
          libPrefix = prefix;
        };
        meta.mainProgram = "python3";
      };
      withPackages = f: final.stdenv.mkDerivation {
        name = "${prefix}-${version}-env";
        paths = [ interpreter ] ++ f packages;
        passthru = { inherit interpreter; env = interpreter; };
      };
      buildPythonPackage = fnOrAttrs:
        let
          attrsOf = if builtins.isFunction fnOrAttrs then fnOrAttrs else _: fnOrAttrs;
        in
        final.stdenv.mkDerivation (finalAttrs:
          let a = attrsOf finalAttrs; in
          removeAttrs a [ "dependencies" "build-system" "optional-dependencies" "pyproject" "format" "disabled" ]
          // {
            name = "${prefix}-${a.pname}-${a.version}";
            propagatedBuildInputs = (a.propagatedBuildInputs or [ ]) ++ (a.dependencies or [ ]);
            nativeBuildInputs = (a.nativeBuildInputs or [ ]) ++ (a.build-system or [ ]) ++ [ interpreter ];
            passthru = (a.passthru or { }) // { pythonModule = interpreter; optional-dependencies = a.optional-dependencies or { }; };
          });
      stub = name: final.stdenv.mkDerivation {
        name = "${prefix}-${name}";
        pname = name;
        passthru.pythonModule = interpreter;
      };
      base = self: lib.attrsets.genAttrs names stub // {
        inherit buildPythonPackage;
        buildPythonApplication = buildPythonPackage;
        python = interpreter;
        callPackage = lib.customisation.callPackageWith (final // self);
        pythonOlder = interpreter.pythonOlder;
        pythonAtLeast = interpreter.pythonAtLeast;
        isPy3k = true;
        toPythonModule = x: x;
        toPythonApplication = x: x;
        fetchPypi = final.fetchurl;
        pkgs = self;
        # Any other Python package is a package of this set named after its attribute.
        __nixevalMissingAttr = stub;
      };
      packages = lib.fixedPoints.fix (lib.fixedPoints.extends
        (lib.fixedPoints.composeManyExtensions final.pythonPackagesExtensions) base);
    in
    interpreter;
in
{
  inherit mkPython;
  interpreters.python312 = mkPython { version = "3.12.10"; attr = "python312"; };
  interpreters.python311 = mkPython { version = "3.11.12"; attr = "python311"; };
  interpreters.python313 = mkPython { version = "3.13.3"; attr = "python313"; };
  interpreters.python314 = mkPython { version = "3.14.0"; attr = "python314"; };
  interpreters.python310 = mkPython { version = "3.10.17"; attr = "python310"; };
  interpreters.python39 = mkPython { version = "3.9.22"; attr = "python39"; };
}
