# An argument the body forces first fails: the trace shows the body forcing it, inside the call.
let
  pick = x: y: z: if y < x then z else x;
  broken = a: a.missing;
in
pick 1 (broken { present = 1; }) 3
