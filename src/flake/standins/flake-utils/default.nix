# nixeval's stand-in for numtide/flake-utils' library, with the same public API and
# semantics: `eachSystem` and friends, `filterPackages`, `flattenTree`, `mkApp`, `meld`,
# `simpleFlake`, `check-utils`, `system`, `allSystems`, `defaultSystems`.
{ defaultSystems ? [ "aarch64-linux" "aarch64-darwin" "x86_64-darwin" "x86_64-linux" ] }:
let
  inherit (builtins) foldl' attrNames listToAttrs concatMap elem isAttrs;
  allSystems = [
    "aarch64-darwin" "aarch64-genode" "aarch64-linux" "aarch64-netbsd" "aarch64-none"
    "aarch64_be-none" "arm-none" "armv5tel-linux" "armv6l-linux" "armv6l-netbsd" "armv6l-none"
    "armv7a-darwin" "armv7a-linux" "armv7a-netbsd" "armv7l-linux" "armv7l-netbsd" "avr-none"
    "i686-cygwin" "i686-darwin" "i686-freebsd" "i686-genode" "i686-linux" "i686-netbsd"
    "i686-none" "i686-openbsd" "i686-windows" "javascript-ghcjs" "m68k-linux" "m68k-netbsd"
    "m68k-none" "microblaze-linux" "microblaze-none" "microblazeel-linux" "microblazeel-none"
    "mips64el-linux" "mipsel-linux" "mipsel-netbsd" "mmix-mmixware" "msp430-none" "or1k-none"
    "powerpc-netbsd" "powerpc-none" "powerpc64-linux" "powerpc64le-linux" "powerpcle-none"
    "riscv32-linux" "riscv32-netbsd" "riscv32-none" "riscv64-linux" "riscv64-netbsd"
    "riscv64-none" "rx-none" "s390-linux" "s390-none" "s390x-linux" "s390x-none" "vc4-none"
    "wasm32-wasi" "wasm64-wasi" "x86_64-cygwin" "x86_64-darwin" "x86_64-freebsd"
    "x86_64-genode" "x86_64-linux" "x86_64-netbsd" "x86_64-none" "x86_64-openbsd"
    "x86_64-redox" "x86_64-solaris" "x86_64-windows"
  ];
  system = listToAttrs (map (s: { name = s; value = s; }) allSystems);
  eachSystem = systems: f:
    let
      withCurrent = systems ++ (if builtins ? currentSystem && !(elem builtins.currentSystem systems) then [ builtins.currentSystem ] else [ ]);
      addSystem = acc: sys:
        let out = f sys; in
        foldl' (acc: key: acc // { ${key} = (acc.${key} or { }) // { ${sys} = out.${key}; }; }) acc (attrNames out);
    in foldl' addSystem { } withCurrent;
  eachSystemMap = systems: f: listToAttrs (map (s: { name = s; value = f s; }) systems);
  isDerivation = x: isAttrs x && x ? type && x.type == "derivation";
  filterPackages = sys: packages:
    let
      keep = name: v:
        let meta = v.meta or { }; in
        isDerivation v && !(meta.broken or false)
        && elem sys (meta.platforms or allSystems) && !(elem sys (meta.badPlatforms or [ ]));
    in listToAttrs (concatMap (n: if keep n packages.${n} then [ { name = n; value = packages.${n}; } ] else [ ]) (attrNames packages));
  flattenTree = tree:
    let
      walk = acc: path: val:
        if !isAttrs val then acc
        else if val ? type && val.type == "derivation" then acc // { ${builtins.concatStringsSep "/" path} = val; }
        else if (val.recurseForDerivations or false) == true then into acc path val
        else acc;
      into = acc: path: set: foldl' (acc: k: walk acc (path ++ [ k ]) set.${k}) acc (attrNames set);
    in into { } [ ] tree;
  recursiveUpdate = lhs: rhs:
    let
      go = path: builtins.zipAttrsWith (n: values:
        if builtins.length values == 1 || !(isAttrs (builtins.elemAt values 1) && isAttrs (builtins.head values))
        then builtins.head values else go (path ++ [ n ]) values);
    in go [ ] [ rhs lhs ];
  meld = inputs: foldl' (out: sub: recursiveUpdate out (import sub inputs)) { };
  mkApp = { drv, name ? drv.pname or drv.name, exePath ? drv.passthru.exePath or "/bin/${name}" }: {
    type = "app";
    program = "${drv}${exePath}";
  };
  simpleFlake = { self, nixpkgs, name, systems ? defaultSystems, preOverlays ? [ ], overlay ? null, shell ? null, config ? { } }:
    let
      loadOverlay = o: if o == null then [ ] else if builtins.isPath o || builtins.isString o then [ (import o) ] else [ o ];
      overlays = concatMap loadOverlay preOverlays ++ loadOverlay overlay;
      outputs = eachSystem systems (sys:
        let
          pkgs = import nixpkgs { system = sys; inherit config overlays; };
          pkg = pkgs.${name};
          packages = flattenTree pkg;
        in {
          legacyPackages = pkgs;
          inherit packages;
          defaultPackage = pkg.defaultPackage or packages.${name} or (builtins.head (builtins.attrValues packages));
        } // (if pkg ? defaultApp then { defaultApp = pkg.defaultApp; } else { })
          // (if shell != null then { devShell = import shell { inherit pkgs; }; } else { devShell = pkgs.mkShell { }; }));
    in outputs // (if overlay != null then { overlay = if builtins.isPath overlay then import overlay else overlay; } else { });
  check-utils = pkgs: {
    isEqual = a: b: if a == b then pkgs.runCommand "check-success" { } "echo success > $out"
      else pkgs.runCommand "check-failure" { } "echo '${builtins.toJSON a} != ${builtins.toJSON b}'; exit 1";
    hasKey = attrs: key: if attrs ? ${key} then pkgs.runCommand "check-success" { } "echo success > $out"
      else pkgs.runCommand "check-failure" { } "echo 'key ${key} missing'; exit 1";
  };
in
{
  inherit allSystems check-utils defaultSystems eachSystem eachSystemMap filterPackages
    flattenTree meld mkApp simpleFlake system;
  eachDefaultSystem = eachSystem defaultSystems;
  eachDefaultSystemMap = eachSystemMap defaultSystems;
}
