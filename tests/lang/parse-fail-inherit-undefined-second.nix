# inherit of an unbound name after a bound one, on the next line: shown at the name
let y = 1; in {
  inherit y
    zz;
}
