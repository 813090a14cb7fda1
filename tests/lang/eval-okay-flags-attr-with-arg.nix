# -A together with --arg
{ n }: { double = n * 2; }
