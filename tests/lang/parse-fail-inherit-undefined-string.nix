# inherit of an unbound name written as a string: shown at the name
{
  inherit "zz";
}
