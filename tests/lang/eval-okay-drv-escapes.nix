# ATerm escaping of special characters in every field.
let d = derivation {
  name = "esc";
  builder = "/bin/sh";
  system = "x86_64-linux";
  args = [ "a\"b" "c\\d" "e\nf" "g\rh" "i\tj" "$k" ];
  "weird name" = "v";
  "" = "empty key";
};
in [ d.drvPath d.outPath ]
