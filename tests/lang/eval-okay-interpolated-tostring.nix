# "${toString n}" on known integers (negative, zero, extremes), next to a shadowed toString and non-integers, in strings of many pieces.
let
  n = -42;
  big = 9223372036854775807;
  small = -9223372036854775807 - 1;
  f = i: ''
    a ${toString i} b ${toString (i + 1)} c ${toString i}
    d ${toString 0} e ${toString n} f ${toString big} g ${toString small} h ${toString 1.5} i ${toString true}
    j ${toString null} k ${toString [ 1 2 ]} l ${toString i}${toString i}
  '';
  shadow = let toString = x: "s${builtins.toString x}"; in "${toString 3}";
in
[ (f 7) (f (-1)) shadow "${toString 12}" ("x" + toString 5) ]
