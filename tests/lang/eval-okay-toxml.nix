# toXML: every kind of value, escaping, functions with formals, sets, nesting
builtins.toXML {
  int = [ 0 (-12) 9223372036854775807 ];
  float = [ 1.5 (-0.0) 1.0e20 1.0e-5 123456789.0 0.1 ];
  bool = [ true false ];
  null = null;
  str = [ "" "plain" "q\"uote <tag> & amp 'apos' \n newline \t tab \r cr \${x}" "é中😀" ];
  path = [ /abs/path /abs/other/data.txt ];
  fn = [ (x: x) ({ a, b ? 1 }: a) ({ ... }: 1) ({ z, y, ... }@args: 1) ({ }: 1) (args@{ a }: a) ];
  builtin = [ map (map (x: x)) builtins.toXML ];
  sets = { empty = { }; nested = { a.b.c = [ [ ] { } ]; }; "key with \"quotes\"" = 1; };
  "<odd> & name" = "v";
}
