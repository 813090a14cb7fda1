# convertHash between every format, with the algorithm given or taken from the hash
let
  h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  forms = [ h "sha256:${h}" "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73" "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" ];
  formats = [ "base16" "nix32" "base32" "base64" "sri" ];
in {
  sha256 = map (hash: map (toHashFormat: builtins.convertHash { inherit hash toHashFormat; hashAlgo = "sha256"; }) formats) forms;
  prefixed = map (toHashFormat: builtins.convertHash { hash = "sha256:${h}"; inherit toHashFormat; }) formats;
  md5 = builtins.convertHash { hash = builtins.hashString "md5" "x"; hashAlgo = "md5"; toHashFormat = "sri"; };
  sha1 = builtins.convertHash { hash = "sha1:" + builtins.hashString "sha1" "x"; toHashFormat = "nix32"; };
  sha512 = builtins.convertHash { hash = builtins.hashString "sha512" "x"; hashAlgo = "sha512"; toHashFormat = "base64"; };
  sriToBase16 = builtins.convertHash { hash = "sha512-" + builtins.convertHash { hash = builtins.hashString "sha512" ""; hashAlgo = "sha512"; toHashFormat = "base64"; }; toHashFormat = "base16"; };
}
