# --xml output without locations, with a nested structure and a function
{
  a = [ 1 "two" 3.0 null true ];
  b = { c = { }; d = x: x; e = { f, ... }@g: f; };
  h = /some/path;
  "quo\"te" = "<&>";
}
