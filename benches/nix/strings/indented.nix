# Indented strings with interpolations rendered many times, as in generated configuration files.
let
  render = i: ''
    [section-${toString i}]
      name = "entry ${toString i}"
      path = /var/lib/entry-${toString i}
      enabled = ${if i - i / 3 * 3 == 0 then "yes" else "no"}
      ''${not-interpolated}
  '';
  docs = builtins.genList render 300000;
in
builtins.foldl' (a: d: a + builtins.stringLength d) 0 docs
