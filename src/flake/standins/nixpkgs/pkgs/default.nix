# The package set of one system: a lazy fixed point of overlays, like nixpkgs' top level.
# Builders (`mkShell`, `runCommand`, `writeShellScriptBin`, `symlinkJoin`, fetchers, language
# builders) make real derivations; the common package names are derivations named after
# their attribute. `config` is kept as given (with `allowUnfree` and friends defaulted).
{ lib, system, overlays ? [ ], config ? { } }:
let
  platform = lib.systems.elaborate system;
  stdenvs = import ./stdenv.nix { inherit lib platform; };
  inherit (stdenvs) stdenv stdenvNoCC;
  mkDerivation = stdenv.mkDerivation;
  config' = { allowUnfree = false; allowBroken = false; allowUnsupportedSystem = false; permittedInsecurePackages = [ ]; }
    // (if builtins.isFunction config then config { } else config);

  packageNames = [
    "act" "age" "alejandra" "ansible" "asciinema" "autoconf" "automake" "awscli2" "bash"
    "bashInteractive" "bat" "bazel" "bc" "binutils" "bison" "black" "bun" "bzip2" "cachix"
    "cacert" "cargo" "cargo-edit" "cargo-nextest" "cargo-watch" "ccache" "clang" "clang-tools"
    "cmake" "coreutils" "cowsay" "cppcheck" "curl" "dart" "deadnix" "delta" "deno" "diffutils"
    "direnv" "dive" "dnsutils" "docker" "docker-compose" "dotnet-sdk" "doxygen" "elixir" "erlang"
    "eza" "fd" "ffmpeg" "file" "findutils" "flex" "fzf" "gawk" "gcc" "gdb" "gettext" "gh" "ghc"
    "git" "git-lfs" "glib" "glibc" "gnugrep" "gnumake" "gnupg" "gnused" "gnutar" "go" "gopls"
    "gotools" "golangci-lint" "gradle" "graphviz" "grpcurl" "gzip" "hadolint" "helm" "hello"
    "htop" "httpie" "hugo" "imagemagick" "jdk" "jdk17" "jdk21" "jq" "just" "k9s" "kind"
    "kubectl" "kubernetes-helm" "kustomize" "less" "libffi" "libiconv" "libxml2" "libyaml" "lld"
    "lldb" "llvm" "lua" "luajit" "lz4" "maven" "meson" "mdbook" "minikube" "mold" "mypy"
    "nano" "neovim" "netcat" "ninja" "nil" "nix" "nix-output-monitor" "nixd" "nixfmt"
    "nixfmt-classic" "nixfmt-rfc-style" "nixpkgs-fmt" "nodejs" "nodejs_18" "nodejs_20"
    "nodejs_22" "nodePackages" "ocaml" "openjdk" "openssh" "openssl" "pandoc" "patchelf" "perl"
    "php" "pkg-config" "pkgconf" "pnpm" "poetry" "postgresql" "pre-commit" "protobuf" "python"
    "qemu" "redis" "ripgrep" "rsync" "ruby" "ruff" "rust-analyzer" "rustc" "rustfmt" "rustup"
    "sbt" "scala" "shellcheck" "shfmt" "sqlite" "statix" "stylua" "swift" "taplo" "terraform"
    "tmux" "treefmt" "typescript" "unzip" "uv" "valgrind" "vim" "wget" "which" "xz" "yarn"
    "yq" "yq-go" "zig" "zip" "zlib" "zls" "zsh" "zstd" "gnupatch" "pkgs-lib" "nodePackages_latest"
    "nix-prefetch-git" "nix-tree" "nvd" "home-manager" "sops" "ssh-to-age" "mkcert" "nginx"
    "caddy" "tailwindcss" "esbuild" "prettier" "biome" "eslint" "typos" "lefthook" "gitleaks"
    "cocogitto" "commitizen" "trivy" "grype" "syft" "skopeo" "crane" "cosign" "openapi-generator-cli"
  ];
  pythonNames = [
    "aiohttp" "alembic" "anyio" "attrs" "black" "boto3" "build" "certifi" "cffi" "click"
    "cryptography" "django" "fastapi" "flake8" "flask" "flit-core" "hatchling" "httpx"
    "hypothesis" "idna" "ipython" "isort" "jinja2" "jupyter" "matplotlib" "mypy" "numpy"
    "packaging" "pandas" "pip" "platformdirs" "pluggy" "poetry-core" "psycopg2" "pydantic"
    "pyflakes" "pygments" "pylint" "pytest" "pytest-cov" "pytest-mock" "python-dateutil"
    "pyyaml" "requests" "rich" "ruff" "scipy" "setuptools" "setuptools-scm" "six" "sphinx"
    "sqlalchemy" "starlette" "toml" "tomli" "tqdm" "typer" "types-pyyaml" "types-requests"
    "typing-extensions" "urllib3" "uvicorn" "virtualenv" "wheel" "pyside6" "redis" "celery"
    "sphinx-rtd-theme" "furo" "myst-parser" "coverage" "tox" "nox" "pre-commit-hooks" "lxml"
    "pillow" "scikit-learn" "torch" "tensorflow" "opencv4" "sympy" "networkx" "beautifulsoup4"
    "grpcio" "protobuf" "pyarrow" "polars" "xarray" "h5py" "numba" "cython" "pybind11"
    "pyopenssl" "paramiko" "psutil" "docutils" "markdown" "mkdocs" "mkdocs-material" "aiofiles"
    "asyncpg" "greenlet" "gunicorn" "websockets" "pyjwt" "passlib" "email-validator" "orjson"
    "ujson" "msgpack" "marshmallow" "freezegun" "responses" "faker" "factory-boy" "ipykernel"
  ];

  unmodelled = import ./unmodelled.nix { inherit lib mkDerivation; };
  inherit (unmodelled) package packageSet;

  base = final:
    let
      pythons = import ./python.nix { inherit lib final; names = pythonNames; };
      sets = import ./sets.nix { inherit lib final package packageSet; inherit (pythons) mkPython; };
    in
    lib.attrsets.genAttrs packageNames package // {
    inherit lib system stdenv stdenvNoCC;
    config = config';
    pkgs = final;
    buildPackages = final;
    pkgsBuildHost = final;
    pkgsStatic = final;
    pkgsMusl = final;
    pkgsi686Linux = final;
    pkgsLLVM = final;
    pkgsCross = { __nixevalMissingAttr = _: final; };
    # Any package name the stand-in does not list is a package named after it (or, for the
    # names of versioned sets, such a set: see sets.nix).
    __nixevalMissingAttr = sets.unlisted;
    inherit (sets) haskellPackages haskell cudaPackages llvmPackages;
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    __nixevalStandIn = true;
    callPackage = lib.customisation.callPackageWith final;
    callPackages = lib.customisation.callPackagesWith final;
    newScope = extra: lib.customisation.callPackageWith (final // extra);
    extend = f: import ./default.nix { inherit lib system config; overlays = overlays ++ [ f ]; };
    appendOverlays = extra: if extra == [ ] then final else import ./default.nix { inherit lib system config; overlays = overlays ++ extra; };
    overlays = overlays;
    recurseIntoAttrs = lib.attrsets.recurseIntoAttrs;
    makeScope = lib.customisation.makeScope;
    lowPrio = lib.meta.lowPrio;
    hiPrio = lib.meta.hiPrio;

    mkShell = { name ? "nix-shell", packages ? [ ], inputsFrom ? [ ], buildInputs ? [ ], nativeBuildInputs ? [ ],
      propagatedBuildInputs ? [ ], propagatedNativeBuildInputs ? [ ], shellHook ? "", ... }@attrs:
      let
        mergeInputs = n: lib.lists.subtractLists inputsFrom (builtins.concatLists (map (d: d.${n} or [ ]) inputsFrom));
        rest = removeAttrs attrs [ "name" "packages" "inputsFrom" "buildInputs" "nativeBuildInputs"
          "propagatedBuildInputs" "propagatedNativeBuildInputs" "shellHook" ];
      in
      stdenv.mkDerivation (rest // {
        inherit name;
        buildInputs = mergeInputs "buildInputs" ++ buildInputs;
        nativeBuildInputs = packages ++ mergeInputs "nativeBuildInputs" ++ nativeBuildInputs;
        propagatedBuildInputs = mergeInputs "propagatedBuildInputs" ++ propagatedBuildInputs;
        propagatedNativeBuildInputs = mergeInputs "propagatedNativeBuildInputs" ++ propagatedNativeBuildInputs;
        shellHook = if inputsFrom == [ ] then shellHook else lib.strings.concatStringsSep "\n" (lib.lists.reverseList
          (builtins.filter (s: s != "") (map (d: d.shellHook or "") (lib.lists.reverseList inputsFrom)) ++ [ shellHook ]));
        phases = [ "buildPhase" ];
        buildPhase = "echo >> $out && export >> $out";
        preferLocalBuild = true;
      });
    mkShellNoCC = final.mkShell;

    runCommandWith = { name, stdenv ? final.stdenv, runLocal ? false, derivationArgs ? { } }: buildCommand:
      stdenv.mkDerivation ({ inherit name buildCommand; passAsFile = [ "buildCommand" ]; } // derivationArgs);
    runCommand = name: env: buildCommand: final.runCommandWith { inherit name; derivationArgs = env; } buildCommand;
    runCommandNoCC = final.runCommand;
    runCommandCC = final.runCommand;
    runCommandLocal = final.runCommand;
    writeTextFile = { name, text, executable ? false, destination ? "", checkPhase ? "", meta ? { }, ... }:
      final.runCommand name { inherit text executable destination checkPhase meta; passAsFile = [ "text" ]; }
        "target=$out${destination}; mkdir -p \"$(dirname \"$target\")\"; cp \"$textPath\" \"$target\"";
    writeText = name: text: final.writeTextFile { inherit name text; };
    writeTextDir = path: text: final.writeTextFile { inherit text; name = builtins.baseNameOf path; destination = "/${path}"; };
    writeScript = name: text: final.writeTextFile { inherit name text; executable = true; };
    writeScriptBin = name: text: final.writeTextFile { inherit name text; executable = true; destination = "/bin/${name}"; meta.mainProgram = name; };
    writeShellScript = name: text: final.writeTextFile { inherit name; executable = true; text = "#!${final.runtimeShell}\n${text}"; };
    writeShellScriptBin = name: text: final.writeTextFile {
      inherit name; executable = true; destination = "/bin/${name}";
      text = "#!${final.runtimeShell}\n${text}";
      meta.mainProgram = name;
    };
    writeShellApplication = { name, text, runtimeInputs ? [ ], meta ? { }, ... }: final.writeTextFile {
      inherit name; executable = true; destination = "/bin/${name}";
      text = "#!${final.runtimeShell}\nset -o errexit\nset -o nounset\nset -o pipefail\n"
        + lib.strings.optionalString (runtimeInputs != [ ]) "export PATH=\"${lib.strings.makeBinPath runtimeInputs}:$PATH\"\n"
        + text;
      meta = { mainProgram = name; } // meta;
    };
    writers = packageSet [ ] { };
    formats = import ./formats.nix { inherit lib final; };
    runtimeShell = "${final.bash}/bin/bash";
    symlinkJoin = { name, paths, postBuild ? "", ... }@args:
      final.runCommand name (removeAttrs args [ "name" "postBuild" ] // { inherit postBuild; passAsFile = [ "paths" ]; })
        "mkdir -p $out; for i in $(cat $pathsPath); do cp -rs $i/. $out; done; ${postBuild}";
    buildEnv = { name, paths, ... }@args: final.symlinkJoin { inherit name paths; };

    fetchurl = { url ? builtins.head urls, urls ? [ ], hash ? "", sha256 ? "", name ? builtins.baseNameOf url, ... }@args:
      derivation {
        inherit name system;
        builder = "builtin:fetchurl";
        inherit url;
        urls = [ url ];
        outputHashMode = "flat";
        outputHashAlgo = if hash != "" then "" else "sha256";
        outputHash = if hash != "" then hash else if sha256 != "" then sha256 else lib.fakeSha256;
        preferLocalBuild = true;
      } // { __nixevalStandIn = true; };
    fetchzip = { url ? "", name ? "source", hash ? "", sha256 ? "", ... }@args:
      derivation {
        inherit name system;
        builder = "/bin/sh";
        args = [ "-c" "exit 1" ];
        inherit url;
        outputHashMode = "recursive";
        outputHashAlgo = if hash != "" then "" else "sha256";
        outputHash = if hash != "" then hash else if sha256 != "" then sha256 else lib.fakeSha256;
      } // { __nixevalStandIn = true; };
    fetchFromGitHub = { owner, repo, rev ? "refs/tags/${tag}", tag ? null, name ? "source", ... }@args:
      final.fetchzip ({ inherit name; url = "https://github.com/${owner}/${repo}/archive/${rev}.tar.gz"; }
        // lib.attrsets.getAttrs (builtins.filter (n: args ? ${n}) [ "hash" "sha256" ]) args) // { inherit owner repo rev; };
    fetchFromGitLab = { owner, repo, rev ? tag, tag ? null, ... }@args:
      final.fetchzip ({ url = "https://gitlab.com/${owner}/${repo}/-/archive/${rev}.tar.gz"; }
        // lib.attrsets.getAttrs (builtins.filter (n: args ? ${n}) [ "hash" "sha256" ]) args);
    fetchgit = { url, rev ? "HEAD", hash ? "", sha256 ? "", name ? "source", ... }:
      final.fetchzip { inherit name hash sha256; url = "${url}#${rev}"; };
    fetchPypi = { pname, version, hash ? "", sha256 ? "", ... }:
      final.fetchurl { url = "https://files.pythonhosted.org/packages/source/${builtins.substring 0 1 pname}/${pname}/${pname}-${version}.tar.gz"; inherit hash sha256; };

    pythonPackagesExtensions = [ ];
    python3 = final.python312;
    python3Packages = final.python3.pkgs;
    python = final.python3;
    pythonPackages = final.python3Packages;
    python311Packages = final.python311.pkgs;
    python312Packages = final.python312.pkgs;
    python313Packages = final.python313.pkgs;
    python314Packages = final.python314.pkgs;
    python310Packages = final.python310.pkgs;
    python39Packages = final.python39.pkgs;
    python3Full = final.python3;
    python3Minimal = final.python3;

    rustPlatform = {
      buildRustPackage = args: mkDerivation (removeAttrs args [ "cargoLock" "cargoHash" "cargoSha256" ] // {
        nativeBuildInputs = (args.nativeBuildInputs or [ ]) ++ [ final.cargo final.rustc ];
      });
      inherit (final) cargo rustc;
      importCargoLock = _: { };
      fetchCargoTarball = args: final.fetchzip { name = "${args.name or "cargo-deps"}-vendor.tar.gz"; url = "cargo-vendor"; hash = args.hash or args.sha256 or ""; };
      fetchCargoVendor = final.rustPlatform.fetchCargoTarball;
      cargoSetupHook = final.package "cargo-setup-hook";
      maturinBuildHook = final.package "maturin-build-hook";
      bindgenHook = final.package "rust-bindgen-hook";
      rust = { inherit (final) cargo rustc; };
    };
    makeRustPlatform = { cargo, rustc, ... }: final.rustPlatform // {
      inherit cargo rustc;
      buildRustPackage = args: mkDerivation (removeAttrs args [ "cargoLock" "cargoHash" "cargoSha256" ] // {
        nativeBuildInputs = (args.nativeBuildInputs or [ ]) ++ [ cargo rustc ];
      });
    };
    # Shown as packages of the set: `package NAME` and `packageSet NAMES EXTRA` (unmodelled.nix).
    inherit package;
    buildGoModule = args: mkDerivation (removeAttrs args [ "vendorHash" "vendorSha256" ] // {
      nativeBuildInputs = (args.nativeBuildInputs or [ ]) ++ [ final.go ];
    });
    buildNpmPackage = args: mkDerivation (removeAttrs args [ "npmDepsHash" ] // {
      nativeBuildInputs = (args.nativeBuildInputs or [ ]) ++ [ final.nodejs ];
    });
    dockerTools = {
      buildImage = args: mkDerivation { name = "docker-image-${args.name}.tar.gz"; };
      buildLayeredImage = args: mkDerivation { name = "${args.name}.tar.gz"; };
      streamLayeredImage = args: mkDerivation { name = "stream-${args.name}"; };
    };
    nixosTest = args: mkDerivation { name = "vm-test-run-${args.name or "unnamed"}"; };
    testers.runNixOSTest = final.nixosTest;
    nix-gitignore = { gitignoreSource = _: src: src; gitignoreSourcePure = _: src: src; };
  } // pythons.interpreters;
in
lib.fixedPoints.fix (builtins.foldl' (f: overlay: lib.fixedPoints.extends overlay f) base overlays)
