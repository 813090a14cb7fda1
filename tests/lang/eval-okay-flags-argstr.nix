# --argstr passes a string to the top-level function
{ s }: s + "!"
