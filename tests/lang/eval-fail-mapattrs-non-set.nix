# mapAttrs over a list
builtins.mapAttrs (n: v: v) [ 1 ]
