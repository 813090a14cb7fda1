# --arg passes a Nix expression to the top-level function
{ n }: n * 2
