# an imported attribute set can be selected from
(import ./lib/attrs.nix).nested.flag
