# `pkgs.formats`: settings formats for modules (`(pkgs.formats.toml { }).type` as an option
# type, `.generate NAME VALUE` as a file). Every format accepts any JSON-like value and
# generates a text file holding its JSON rendering (a stand-in: the real ones render TOML,
# YAML, INI, ...; the file's name and the option's merging are what flakes rely on).
{ lib, final }:
let
  format = _args: {
    type = lib.types.anything;
    generate = name: value: final.writeText name (builtins.toJSON value);
    lib = { };
  };
  names = [ "json" "yaml" "yaml_1_1" "yaml_1_2" "toml" "ini" "iniWithGlobalSection" "keyValue"
    "gitIni" "javaProperties" "xml" "lua" "pythonVars" "elixirConf" "hocon" "php" "cdn"
    "libconfig" "systemd" "plist" "nixConf" ];
in
lib.attrsets.genAttrs names (_: format) // { __nixevalMissingAttr = _: format; }
