# Systems: the flake-exposed systems, the `doubles`, platform lists and a small `elaborate`
# that gives the attributes package sets consult (`system`, `isLinux`, `isDarwin`, `parsed`).
{ lib }:
let
  cpus = {
    x86_64 = { bits = 64; family = "x86"; };
    i686 = { bits = 32; family = "x86"; };
    aarch64 = { bits = 64; family = "arm"; };
    armv6l = { bits = 32; family = "arm"; };
    armv7l = { bits = 32; family = "arm"; };
    riscv64 = { bits = 64; family = "riscv"; };
    powerpc64le = { bits = 64; family = "power"; };
  };
  # Splits at the first "-" (without regular expressions, so it needs only basic builtins).
  splitDash = s:
    let
      n = builtins.stringLength s;
      go = i: if i >= n then null else if builtins.substring i 1 s == "-" then i else go (i + 1);
      i = go 0;
    in
    if i == null then { first = s; rest = null; }
    else { first = builtins.substring 0 i s; rest = builtins.substring (i + 1) n s; };
  split = system:
    let p = splitDash system; in
    if p.rest == null then { cpu = system; kernel = "none"; } else { cpu = p.first; kernel = p.rest; };
in
rec {
  flakeExposed = [
    "x86_64-linux" "aarch64-linux" "x86_64-darwin" "armv6l-linux" "armv7l-linux" "i686-linux"
    "aarch64-darwin" "powerpc64le-linux" "riscv64-linux" "x86_64-freebsd"
  ];
  doubles = rec {
    all = flakeExposed ++ [ "mipsel-linux" "x86_64-netbsd" "x86_64-openbsd" ];
    linux = builtins.filter (s: lib.strings.hasSuffix "-linux" s) all;
    darwin = builtins.filter (s: lib.strings.hasSuffix "-darwin" s) all;
    freebsd = builtins.filter (s: lib.strings.hasSuffix "-freebsd" s) all;
    unix = linux ++ darwin ++ freebsd ++ [ "x86_64-netbsd" "x86_64-openbsd" ];
    x86_64 = builtins.filter (s: lib.strings.hasPrefix "x86_64-" s) all;
    aarch64 = builtins.filter (s: lib.strings.hasPrefix "aarch64-" s) all;
    x86 = builtins.filter (s: lib.strings.hasPrefix "x86_64-" s || lib.strings.hasPrefix "i686-" s) all;
    arm = builtins.filter (s: lib.strings.hasPrefix "arm" s) all;
    i686 = builtins.filter (s: lib.strings.hasPrefix "i686-" s) all;
    riscv = builtins.filter (s: lib.strings.hasPrefix "riscv" s) all;
    power = builtins.filter (s: lib.strings.hasPrefix "powerpc" s) all;
    mips = [ "mipsel-linux" ];
    none = [ ];
  };
  platforms = doubles // {
    unix = doubles.unix;
    all = doubles.all;
  };
  elaborate = systemOrArgs:
    let
      args = if builtins.isString systemOrArgs then { system = systemOrArgs; } else systemOrArgs;
      system = args.system or args.config or (throw "lib.systems.elaborate: no system given");
      parts = split system;
      cpu = cpus.${parts.cpu} or { bits = 64; family = parts.cpu; };
      kernel = (splitDash parts.kernel).first;
    in
    args // rec {
      inherit system;
      config = {
        "x86_64-linux" = "x86_64-unknown-linux-gnu";
        "aarch64-linux" = "aarch64-unknown-linux-gnu";
        "x86_64-darwin" = "x86_64-apple-darwin";
        "aarch64-darwin" = "arm64-apple-darwin";
      }.${system} or "${parts.cpu}-unknown-${parts.kernel}";
      parsed = {
        cpu = { name = parts.cpu; inherit (cpu) bits family; };
        kernel = { name = kernel; };
        abi = { name = if kernel == "linux" then "gnu" else "unknown"; };
        vendor = { name = if kernel == "darwin" then "apple" else "unknown"; };
      };
      isLinux = kernel == "linux";
      isDarwin = kernel == "darwin";
      isFreeBSD = kernel == "freebsd";
      isMacOS = isDarwin;
      isUnix = isLinux || isDarwin || isFreeBSD;
      isWindows = kernel == "windows" || kernel == "mingw32";
      isx86_64 = parts.cpu == "x86_64";
      isx86_32 = parts.cpu == "i686";
      isx86 = cpu.family == "x86";
      isAarch64 = parts.cpu == "aarch64";
      isAarch32 = cpu.family == "arm" && cpu.bits == 32;
      isAarch = cpu.family == "arm";
      isRiscV = cpu.family == "riscv";
      isPower = cpu.family == "power";
      is64bit = cpu.bits == 64;
      is32bit = cpu.bits == 32;
      isStatic = false;
      isMusl = false;
      isGnu = isLinux;
      libc = if isDarwin then "libSystem" else "glibc";
      linuxArch = { x86_64 = "x86_64"; aarch64 = "arm64"; i686 = "i386"; }.${parts.cpu} or parts.cpu;
      darwinArch = { x86_64 = "x86_64"; aarch64 = "arm64"; }.${parts.cpu} or parts.cpu;
      uname = { system = { linux = "Linux"; darwin = "Darwin"; freebsd = "FreeBSD"; }.${kernel} or kernel; processor = parts.cpu; };
      extensions = { sharedLibrary = if isDarwin then ".dylib" else ".so"; executable = ""; };
      canExecute = other: system == other.system;
      emulatorAvailable = pkgs: true;
      emulator = pkgs: "";
      rust = { rustcTarget = config; rustcTargetSpec = config; };
      go = { GOOS = kernel; GOARCH = { x86_64 = "amd64"; aarch64 = "arm64"; i686 = "386"; }.${parts.cpu} or parts.cpu; };
    };
  equals = a: b: a.system == b.system;
  examples = { };
  inspect = { };
  parse = { };
}
