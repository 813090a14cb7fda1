{ greeting }: { kind = "package.nix"; inherit greeting; }
