# match: whole-string matching, groups (unmatched ones are null), classes, anchors, alternation, repetition
let
  cases = [
    [ "ab" "abc" ] [ "abc" "abc" ] [ "a(b)(c)" "abc" ] [ "(a)|(b)" "b" ] [ "(a|ab)(c|bcd)(d*)" "abcd" ]
    [ "[[:space:]]+([[:upper:]]+)[[:space:]]+" "  FOO   " ] [ ".*" "" ] [ ".*" "a\nb" ] [ "(.*)\\.nix" "default.nix" ]
    [ "([^/]*)/(.*)" "a/b/c" ] [ "a{2,3}" "aa" ] [ "a{2,3}" "aaaa" ] [ "(a*)*" "aaa" ] [ "(a*)+" "" ]
    [ "x*" "" ] [ "^abc$" "abc" ] [ "[]a]+" "a]a" ] [ "[a-c]+" "abcd" ] [ "(([a-z]+)-)?([0-9.]+)" "1.2.3" ]
    [ "(([a-z]+)-)?([0-9.]+)" "nix-2.8" ] [ "[[:alnum:]_]+" "a_1" ] [ "\\(a\\)" "(a)" ] [ "a|b|" "" ]
    [ "(a)(b)?" "a" ] [ "(é)+" "éé" ] [ "(.)" "é" ] [ "[[:digit:]]{3}" "123" ] [ "a.c" "a\nc" ]
  ];
in map (c: builtins.match (builtins.elemAt c 0) (builtins.elemAt c 1)) cases
