# --arg and --argstr together
{ n, s }: "${s}${toString n}"
