# compareVersions, splitVersion and parseDrvName on ordinary and odd inputs
let
  vs = [ "" "0" "1" "1.0" "1-0" "1.0.0" "1.2pre3" "1.2" "1.2a" "1.2.1" "2.3a" "2.3.1"
         "pre" "1.0pre" "01" "1..2" "1.a.b" "4294967296" "2147483648" "99999999999999999999" "a" "b" "1b" "1.b" ];
in {
  compare = map (a: map (b: builtins.compareVersions a b) vs) vs;
  split = map builtins.splitVersion (vs ++ [ "1.2.3-rc4_5+6" "...--.." "a-1.b--2" "é1ü2" ]);
  names = map builtins.parseDrvName [ "" "a" "a-" "-1" "a-b" "a-b-1.0" "a-1b-2" "nix-0.12pre12876"
    "hello-2.10" "foo-bar-baz-1.0-rc1" "x-_1" "x--1" "é-1" ];
}
