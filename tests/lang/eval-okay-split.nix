# split: text between matches interleaved with the groups of each match, empty matches, no match
let
  cases = [
    [ "(a)b" "abc" ] [ "([ac])" "abc" ] [ "(a)|(c)" "abc" ] [ "([[:upper:]]+)" " FOO " ] [ "x" "abc" ]
    [ "" "abc" ] [ "a*" "baaac" ] [ "(,)" "a,b,,c" ] [ "," "" ] [ "(a*)" "" ] [ "([[:digit:]]+)" "abc123def45" ]
    [ "[[:space:]]+" "  leading and trailing  " ] [ "(b)(x)?" "abab" ] [ "\n" "line1\nline2\n" ] [ "é" "aéb" ]
    [ "(a|ab)(c|bcd)" "abcd abcd" ] [ "." "ab" ]
  ];
in map (c: builtins.split (builtins.elemAt c 0) (builtins.elemAt c 1)) cases
