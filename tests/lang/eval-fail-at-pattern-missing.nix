# the @ binding does not hold defaults
(args@{ a ? 1, ... }: args.a) { }
