# the @ binding holds only the passed arguments, not defaults
(args@{ a ? 1, ... }: args) { }
