# a default may refer to the @ binding
(args@{ a ? args.b, ... }: a) { b = "from args"; }
