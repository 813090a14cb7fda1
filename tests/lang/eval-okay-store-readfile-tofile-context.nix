# readFile of a toFile result carries, as context, the references that occur in the contents
let
  y = builtins.toFile "y" "a";
  z = builtins.toFile "z" "b";
  both = builtins.toFile "x" "${y} ${z}";
  # z is a reference of `only` but its contents never mention it
  only = builtins.toFile "only" (builtins.substring 0 44 "${y}${z}" + builtins.unsafeDiscardStringContext "");
in [
  (builtins.getContext (builtins.readFile both))
  (builtins.getContext (builtins.readFile (builtins.toFile "plain" "text")))
  (builtins.readFile both == "${y} ${z}")
  (builtins.getContext (builtins.readFile only))
]
