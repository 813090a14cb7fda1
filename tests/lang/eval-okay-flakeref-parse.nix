# parseFlakeRef splits a flake reference into its attributes (current CppNix; 2.8 lacks it)
builtins.parseFlakeRef "github:NixOS/nixpkgs/nixos-24.05?dir=lib"
