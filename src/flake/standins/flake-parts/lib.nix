# `mkFlake { inherit inputs; } { systems; perSystem; flake; imports; }`: the flake-level
# modules and every system's `perSystem` module are evaluated with nixpkgs' module system
# (from the `nixpkgs` input), and per-system outputs are transposed to `packages.<system>`
# and the like. `perSystem` receives `pkgs`, `system`, `self'`, `inputs'`, `config`, `lib`.
{
  mkFlake = args@{ inputs, ... }: module:
    let
      lib = inputs.nixpkgs.lib or inputs.nixpkgs-lib.lib or (throw "flake-parts: mkFlake needs a 'nixpkgs' input");
      inherit (lib) mkOption types;
      self = inputs.self or args.self or null;
      perSystemOutputs = [ "packages" "apps" "checks" "devShells" "formatter" "legacyPackages" ];
      anyAttrs = types.lazyAttrsOf types.raw;
      topModule = { config, ... }: {
        options = {
          systems = mkOption { type = types.listOf types.str; default = [ ]; };
          perSystem = mkOption { type = types.deferredModule; default = { }; };
          flake = mkOption { type = types.lazyAttrsOf types.anything; default = { }; };
          transposition = mkOption { type = types.lazyAttrsOf types.raw; default = { }; };
          debug = mkOption { type = types.bool; default = false; };
          partitions = mkOption { type = types.lazyAttrsOf types.raw; default = { }; };
        };
        config._module.args = {
          inherit inputs self;
          withSystem = system: f: f (allSystems.${system}.config._module.args // { config = allSystems.${system}.config; });
          getSystem = system: allSystems.${system}.config;
          flake-parts-lib = { importApply = lib.modules.importApply; mkPerSystemOption = m: mkOption { type = types.deferredModule; default = { }; }; };
          moduleWithSystem = f: f;
        };
      };
      top = lib.evalModules {
        specialArgs = { inherit inputs self; } // (args.specialArgs or { });
        modules = [ topModule module ];
      };
      perInputs = system: builtins.mapAttrs (_: input:
        # An input nixeval cannot read is opaque: it has every attribute already.
        if input ? __nixevalOpaque then input
        else if builtins.isAttrs input then
          builtins.mapAttrs (_: v: if builtins.isAttrs v && v ? ${system} then v.${system} else v) input
          // (builtins.listToAttrs (map (n: { name = n; value = input.${n}.${system} or { }; })
               (builtins.filter (n: builtins.isAttrs (input.${n} or null)) perSystemOutputs)))
        else input) inputs;
      perSystemModule = system: { config, ... }: {
        freeformType = types.lazyAttrsOf types.anything;
        options = builtins.listToAttrs (map (n: { name = n; value = mkOption { type = if n == "formatter" then types.nullOr types.raw else types.lazyAttrsOf types.raw; default = if n == "formatter" then null else { }; }; }) perSystemOutputs);
        config._module.args = {
          inherit system;
          pkgs = lib.mkDefault (inputs.nixpkgs.legacyPackages.${system} or (import inputs.nixpkgs { inherit system; }));
          inputs' = perInputs system;
          self' = (perInputs system).self or { };
          final = config._module.args.pkgs;
        };
      };
      allSystems = lib.genAttrs top.config.systems (system: lib.evalModules {
        specialArgs = { inherit inputs self; };
        # Opaque flake modules (from inputs nixeval cannot read) may declare per-system options.
        modules = [ (perSystemModule system) top.config.perSystem ]
          ++ (if top.config ? __nixevalOpaque then [ top.config.__nixevalOpaque ] else [ ]);
      });
      transposed = builtins.listToAttrs (map (n: {
        name = n;
        value = builtins.listToAttrs (builtins.concatMap (s:
          let v = allSystems.${s}.config.${n}; in if v == null then [ ] else [ { name = s; value = v; } ]) top.config.systems);
      }) perSystemOutputs);
    in
    lib.filterAttrs (n: v: v != { }) transposed // top.config.flake;
}
