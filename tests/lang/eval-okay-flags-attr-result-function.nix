# -A returns a selected function uncalled when no --arg is given
{ f = { x ? "called" }: x; }
