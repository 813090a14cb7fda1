# `lib.nixosSystem` of nixeval's stand-in nixpkgs: the modules are evaluated with the module
# system over a freeform configuration that declares the options NixOS configurations most
# often set or read (systemd services, users, networking, boot loader, file systems,
# `nixpkgs.overlays`, `system.stateVersion`), with NixOS' types where they change values
# (`startAt` becomes a list). `config.system.build.toplevel` and `.vm` are derivations.
{ lib ? import ../../lib
, system ? null
, modules ? [ ]
, specialArgs ? { }
, extraModules ? [ ]
, baseModules ? [ ]
, modulesLocation ? null
, prefix ? [ ]
, nixpkgs ? null
, check ? true
, ...
}:
let
  inherit (lib) mkOption types mkDefault;
  anyAttrs = types.lazyAttrsOf types.anything;
  serviceModule = { name, config, ... }: {
    freeformType = anyAttrs;
    options = {
      enable = mkOption { type = types.bool; default = true; };
      description = mkOption { type = types.str; default = ""; };
      script = mkOption { type = types.lines; default = ""; };
      preStart = mkOption { type = types.lines; default = ""; };
      postStart = mkOption { type = types.lines; default = ""; };
      wantedBy = mkOption { type = types.listOf types.str; default = [ ]; };
      requiredBy = mkOption { type = types.listOf types.str; default = [ ]; };
      after = mkOption { type = types.listOf types.str; default = [ ]; };
      before = mkOption { type = types.listOf types.str; default = [ ]; };
      wants = mkOption { type = types.listOf types.str; default = [ ]; };
      requires = mkOption { type = types.listOf types.str; default = [ ]; };
      path = mkOption { type = types.listOf (types.either types.package types.str); default = [ ]; };
      environment = mkOption { type = types.attrsOf types.anything; default = { }; };
      serviceConfig = mkOption { type = types.attrsOf types.anything; default = { }; };
      unitConfig = mkOption { type = types.attrsOf types.anything; default = { }; };
      startAt = mkOption {
        type = types.either types.str (types.listOf types.str);
        default = [ ];
        apply = lib.toList;
      };
    };
  };
  userModule = { name, ... }: {
    freeformType = anyAttrs;
    options = {
      name = mkOption { type = types.str; default = name; };
      isNormalUser = mkOption { type = types.bool; default = false; };
      isSystemUser = mkOption { type = types.bool; default = false; };
      extraGroups = mkOption { type = types.listOf types.str; default = [ ]; };
      packages = mkOption { type = types.listOf types.package; default = [ ]; };
      group = mkOption { type = types.str; default = ""; };
      home = mkOption { type = types.str; default = "/var/empty"; };
      openssh.authorizedKeys.keys = mkOption { type = types.listOf types.str; default = [ ]; };
    };
  };
  fileSystemModule = { name, ... }: {
    freeformType = anyAttrs;
    options = {
      mountPoint = mkOption { type = types.str; default = name; };
      device = mkOption { type = types.nullOr types.str; default = null; };
      fsType = mkOption { type = types.str; default = "auto"; };
      options = mkOption { type = types.listOf types.str; default = [ "defaults" ]; };
    };
  };
  coreModule = { config, ... }: {
    freeformType = anyAttrs;
    options = {
      nixpkgs.overlays = mkOption { type = types.listOf types.anything; default = [ ]; };
      nixpkgs.config = mkOption { type = types.attrsOf types.anything; default = { }; };
      nixpkgs.system = mkOption { type = types.str; default = if system != null then system else "x86_64-linux"; };
      nixpkgs.hostPlatform = mkOption { type = types.either types.str (types.attrsOf types.anything); default = config.nixpkgs.system; };
      nixpkgs.buildPlatform = mkOption { type = types.either types.str (types.attrsOf types.anything); default = config.nixpkgs.hostPlatform; };
      nixpkgs.pkgs = mkOption { type = types.raw; default = null; };
      systemd.services = mkOption { type = types.attrsOf (types.submodule serviceModule); default = { }; };
      systemd.user.services = mkOption { type = types.attrsOf (types.submodule serviceModule); default = { }; };
      users.users = mkOption { type = types.attrsOf (types.submodule userModule); default = { }; };
      users.groups = mkOption { type = types.attrsOf anyAttrs; default = { }; };
      fileSystems = mkOption { type = types.attrsOf (types.submodule fileSystemModule); default = { }; };
      environment.systemPackages = mkOption { type = types.listOf types.package; default = [ ]; };
      environment.etc = mkOption { type = types.attrsOf anyAttrs; default = { }; };
      environment.variables = mkOption { type = types.attrsOf types.anything; default = { }; };
      networking.hostName = mkOption { type = types.str; default = "nixos"; };
      networking.firewall.allowedTCPPorts = mkOption { type = types.listOf types.int; default = [ ]; };
      networking.firewall.allowedUDPPorts = mkOption { type = types.listOf types.int; default = [ ]; };
      boot.kernelModules = mkOption { type = types.listOf types.str; default = [ ]; };
      boot.kernelParams = mkOption { type = types.listOf types.str; default = [ ]; };
      system.stateVersion = mkOption { type = types.str; default = lib.trivial.release; };
      system.nixos.release = mkOption { type = types.str; default = lib.trivial.release; };
      system.nixos.label = mkOption { type = types.str; default = "${lib.trivial.release}.nixeval-stand-in"; };
      system.build = mkOption { type = anyAttrs; default = { }; };
      assertions = mkOption { type = types.listOf types.anything; default = [ ]; };
      warnings = mkOption { type = types.listOf types.str; default = [ ]; };
    };
    config = {
      _module.args = {
        pkgs = if config.nixpkgs.pkgs != null then config.nixpkgs.pkgs else
          import ../../pkgs/default.nix {
            inherit lib;
            system = let p = config.nixpkgs.hostPlatform; in if builtins.isString p then p else p.system;
            overlays = config.nixpkgs.overlays;
            config = config.nixpkgs.config;
          };
        baseModules = [ ];
        extraModules = [ ];
        utils = { };
      };
      system.build.toplevel = let pkgs = config._module.args.pkgs; in pkgs.stdenv.mkDerivation {
        name = "nixos-system-${config.networking.hostName}-${config.system.nixos.label}";
        services = builtins.attrNames config.systemd.services;
        systemPackages = config.environment.systemPackages;
        passthru = { inherit config; };
      };
      system.build.vm = let pkgs = config._module.args.pkgs; in pkgs.stdenv.mkDerivation {
        name = "nixos-vm";
        system = config.system.build.toplevel;
        meta.mainProgram = "run-${config.networking.hostName}-vm";
      };
    };
  };
  eval = lib.evalModules {
    inherit prefix;
    # As in NixOS, `modulesPath` is a special argument: imports may depend on it.
    specialArgs = { modulesPath = toString ../modules; } // specialArgs;
    class = "nixos";
    modules = [ coreModule ] ++ baseModules ++ extraModules ++ modules
      ++ lib.optional (system != null) { nixpkgs.system = mkDefault system; };
  };
in
eval // {
  pkgs = eval.config._module.args.pkgs;
  extendModules = eval.extendModules;
}
